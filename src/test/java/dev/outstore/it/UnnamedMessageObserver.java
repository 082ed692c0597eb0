package dev.outstore.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Observes {@link UnnamedMessage}. */
@ApplicationScoped
public class UnnamedMessageObserver {
  void on(@Observes UnnamedMessage message) {}
}
