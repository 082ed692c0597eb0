package dev.outstore.examples.orders;

import dev.outstore.OutboxEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Logger;

/**
 * Logs the bookkeeping of every delivered entry: an {@link OutboxEnvelope} observer sees all types,
 * with the entry's id and attempt number, after the payload observers.
 */
@ApplicationScoped
public class AuditLog {
  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

  void on(@Observes OutboxEnvelope entry) {
    LOG.info(
        () ->
            "audit: entry "
                + entry.id()
                + " "
                + entry.type()
                + " key="
                + entry.key()
                + " attempt "
                + entry.attempt());
  }
}
