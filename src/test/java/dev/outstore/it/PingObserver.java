package dev.outstore.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * The test observer, in the plain {@code @Observes Payload} form. It writes a ledger row in the
 * delivery transaction (so the ledger holds exactly the committed deliveries), then fails if the
 * recorder says so. A note of the form {@code slow:N} makes it work N milliseconds first.
 */
@ApplicationScoped
public class PingObserver {
  @Inject Recorder recorder;
  @PersistenceContext EntityManager em;

  void on(@Observes Ping ping) throws InterruptedException {
    int attempt = recorder.invoked(ping);
    em.createNativeQuery(
            "insert into test_ledger (msg_key, seq, attempt, note) values (?1, ?2, ?3, ?4)")
        .setParameter(1, ping.key())
        .setParameter(2, ping.seq())
        .setParameter(3, attempt)
        .setParameter(4, ping.note())
        .executeUpdate();
    if (ping.note() != null && ping.note().startsWith("slow:")) {
      Thread.sleep(Long.parseLong(ping.note().substring(5))); // simulated work, not a test wait
    }
    if (recorder.shouldFail(ping, attempt)) {
      throw new IllegalStateException(
          "scripted failure of key " + ping.key() + " seq " + ping.seq() + " attempt " + attempt);
    }
  }
}
