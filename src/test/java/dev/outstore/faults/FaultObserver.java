package dev.outstore.faults;

import dev.outstore.OutboxEnvelope;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The fault suite's observer. Every call is logged in {@code fault_attempt} through a
 * non-transactional datasource (so failed attempts stay visible); a successful delivery writes its
 * {@code fault_ledger} row in the delivery transaction, so the ledger holds exactly what committed.
 * The scenario's script comes from MicroProfile Config.
 */
@ApplicationScoped
public class FaultObserver {
  @PersistenceContext EntityManager em;

  @Resource(lookup = "jdbc/faultsNonTx")
  DataSource attemptLog;

  @Inject
  @ConfigProperty(name = "fault.server", defaultValue = "unknown")
  String server;

  @Inject
  @ConfigProperty(name = "fault.flaky-rate", defaultValue = "0")
  double flakyRate;

  @Inject
  @ConfigProperty(name = "fault.poison-key")
  Optional<String> poisonKey;

  @Inject
  @ConfigProperty(name = "fault.slow-key")
  Optional<String> slowKey;

  @Inject
  @ConfigProperty(name = "fault.slow-ms", defaultValue = "10000")
  long slowMillis;

  /** Makes fault.ping a known type, so envelopes carry the deserialized message. */
  void registersTheType(@Observes FaultPing ping) {}

  void on(@Observes OutboxEnvelope envelope) throws InterruptedException {
    FaultPing ping = (FaultPing) envelope.message().orElseThrow();
    logAttempt(envelope, ping);
    if (slowKey.filter(ping.key()::equals).isPresent()) {
      Thread.sleep(slowMillis); // the scenario's slow observer
    }
    if (poisonKey.filter(ping.key()::equals).isPresent()) {
      throw new IllegalStateException("poison key " + ping.key() + " always fails");
    }
    if (flakyRate > 0 && ThreadLocalRandom.current().nextDouble() < flakyRate) {
      throw new IllegalStateException("flaky failure of " + ping.key() + "#" + ping.seq());
    }
    em.createNativeQuery(
            "insert into fault_ledger (entry_id, msg_key, seq, server, attempt)"
                + " values (?1, ?2, ?3, ?4, ?5)")
        .setParameter(1, envelope.id())
        .setParameter(2, ping.key())
        .setParameter(3, ping.seq())
        .setParameter(4, server)
        .setParameter(5, envelope.attempt())
        .executeUpdate();
  }

  private void logAttempt(OutboxEnvelope envelope, FaultPing ping) {
    try (Connection c = attemptLog.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "insert into fault_attempt (entry_id, msg_key, seq, server, attempt)"
                    + " values (?, ?, ?, ?, ?)")) {
      s.setLong(1, envelope.id());
      s.setString(2, ping.key());
      s.setInt(3, ping.seq());
      s.setString(4, server);
      s.setInt(5, envelope.attempt());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot log the attempt", e);
    }
  }
}
