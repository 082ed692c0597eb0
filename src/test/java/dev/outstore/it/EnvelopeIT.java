package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.OutboxEnvelope;
import dev.outstore.OutboxGenerator;
import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Observers of {@link OutboxEnvelope}: bookkeeping and headers, and every type, known or not. */
@ExtendWith(ArquillianExtension.class)
class EnvelopeIT {

  @Deployment
  static WebArchive app() {
    return Deployments.app(
        "envelope", "", EnvelopeIT.class, Envelopes.class, NotObservedDirectly.class);
  }

  @Inject OutboxGenerator outbox;
  @Inject Envelopes envelopes;
  @Inject Recorder recorder;
  @Inject Db db;
  @Inject UserTransaction transaction;

  @BeforeEach
  void clean() {
    db.clean();
    recorder.reset();
    envelopes.clear();
  }

  @Test
  void envelopeCarriesBookkeepingHeadersAndTheMessageAfterThePayloadObserver() throws Exception {
    Ping ping = new Ping("env", 1, "with headers");
    Tx.run(transaction, () -> outbox.send(ping, Map.of("traceparent", "00-abc-def-01")));

    await().atMost(Duration.ofSeconds(20)).until(() -> envelopes.seen().size() == 1);
    OutboxEnvelope envelope = envelopes.seen().get(0);
    assertEquals("env", envelope.key());
    assertEquals("test.ping", envelope.type());
    assertEquals(1, envelope.attempt());
    assertEquals(Map.of("traceparent", "00-abc-def-01"), envelope.headers());
    assertEquals(Optional.of(ping), envelope.message());
    assertTrue(envelope.payload().contains("\"seq\":1"), envelope.payload());
    assertEquals(
        envelope.id(), db.count("select id from outbox_entry where msg_key = 'env'"), "entry id");
    assertEquals(1, recorder.invocationsOf("env").size(), "the payload observer ran too");
  }

  @Test
  void anEnvelopeObserverTakesTypesThatNoPayloadObserverKnows() throws Exception {
    Tx.run(transaction, () -> outbox.send(new NotObservedDirectly("relay-1", "x")));
    db.insertEntry("relay-2", "from.elsewhere", "{\"any\":\"json\"}");
    Tx.run(transaction, () -> outbox.send(new Ping("wake", 1, null)));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> db.count("select count(*) from outbox_entry where status = 'DONE'") == 3);
    OutboxEnvelope relayed = envelopes.of("relay-2");
    assertEquals("from.elsewhere", relayed.type());
    assertEquals(Optional.empty(), relayed.message());
    assertEquals("{\"any\":\"json\"}", relayed.payload());
    OutboxEnvelope sent = envelopes.of("relay-1");
    assertEquals("test.not-observed-directly", sent.type());
    assertEquals(List.of(), recorder.invocationsOf("relay-1"));
  }

  /** Records every envelope. */
  @ApplicationScoped
  public static class Envelopes {
    private final Queue<OutboxEnvelope> seen = new ConcurrentLinkedQueue<>();

    void on(@Observes OutboxEnvelope envelope) {
      seen.add(envelope);
    }

    List<OutboxEnvelope> seen() {
      return List.copyOf(seen);
    }

    OutboxEnvelope of(String key) {
      return seen.stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
    }

    void clear() {
      seen.clear();
    }
  }

  /** A message only the envelope observer takes. */
  @OutboxType("test.not-observed-directly")
  public record NotObservedDirectly(String key, String body) implements OutboxMessage {}
}
