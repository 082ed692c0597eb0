package dev.outstore.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

/** Observes Ping asynchronously, which the dispatcher cannot honour: fails the deployment. */
@ApplicationScoped
public class AsyncPingObserver {
  void on(@ObservesAsync Ping ping) {}
}
