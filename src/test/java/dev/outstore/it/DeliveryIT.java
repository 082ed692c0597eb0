package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.InvalidMessageException;
import dev.outstore.NoActiveTransactionException;
import dev.outstore.OutboxGenerator;
import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sending and delivery on Liberty and PostgreSQL. The poll interval is 30 s, so every delivery here
 * within seconds comes from the after-commit wake-up.
 */
@ExtendWith(ArquillianExtension.class)
class DeliveryIT {

  @Deployment
  static WebArchive app() {
    return Deployments.app(
        "delivery",
        "outstore.poll-interval=30s\n",
        DeliveryIT.class,
        Unserializable.class,
        Unobserved.class,
        Mismatched.class,
        OtherObservers.class);
  }

  @Inject OutboxGenerator outbox;
  @Inject Recorder recorder;
  @Inject Db db;
  @Inject UserTransaction transaction;

  @BeforeEach
  void clean() {
    db.clean();
    recorder.reset();
  }

  @Test
  void committedSendIsDeliveredWithEqualPayloadAndMarkedDone() throws Exception {
    Ping ping = new Ping("order-1", 1, "héllo \"world\"");
    Tx.run(transaction, () -> outbox.send(ping));

    await().atMost(Duration.ofSeconds(20)).until(() -> recorder.invocations().size() == 1);
    assertEquals(ping, recorder.invocations().get(0).ping());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> db.count("select count(*) from outbox_entry where status = 'DONE'") == 1);
    List<Object> row =
        db.rows("select msg_key, msg_type, attempts, last_error, done_at from outbox_entry").get(0);
    assertEquals("order-1", row.get(0));
    assertEquals("test.ping", row.get(1));
    assertEquals(0, ((Number) row.get(2)).intValue());
    assertEquals(null, row.get(3));
    assertTrue(row.get(4) != null, "done_at is set");
    assertEquals(1, db.count("select count(*) from test_ledger where msg_key = 'order-1'"));
  }

  @Test
  void commitWakesTheDispatcherLongBeforeThePollInterval() throws Exception {
    for (int i = 1; i <= 3; i++) {
      int seq = i;
      long start = System.nanoTime();
      Tx.run(transaction, () -> outbox.send(new Ping("wake", seq, null)));
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> db.count("select count(*) from test_ledger where seq = ?", seq) == 1);
      System.out.printf(
          "wake-up delivery %d took %d ms%n", seq, (System.nanoTime() - start) / 1_000_000);
    }
  }

  @Test
  void rolledBackSendIsNeverDelivered() throws Exception {
    transaction.begin();
    outbox.send(new Ping("rolled-back", 1, null));
    transaction.rollback();
    Tx.run(transaction, () -> outbox.send(new Ping("marker", 1, null)));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> recorder.invocationsOf("marker").size() == 1);
    assertEquals(List.of(), recorder.invocationsOf("rolled-back"));
    assertEquals(0, db.count("select count(*) from outbox_entry where msg_key = 'rolled-back'"));
  }

  @Test
  void sendWithoutTransactionThrowsAndWritesNothing() throws Exception {
    NoActiveTransactionException e =
        assertThrows(
            NoActiveTransactionException.class, () -> outbox.send(new Ping("no-tx", 1, null)));
    assertTrue(e.getMessage().contains("needs an active JTA transaction"), e.getMessage());

    transaction.begin();
    transaction.setRollbackOnly();
    assertThrows(NoActiveTransactionException.class, () -> outbox.send(new Ping("no-tx", 2, null)));
    transaction.rollback();
    assertEquals(0, db.count("select count(*) from outbox_entry"));
  }

  @Test
  void invalidMessagesAreRejectedWithTheirFaultNamedAndNothingOfTheCallIsWritten()
      throws Exception {
    assertRejected(new Ping("k".repeat(256), 1, null), "key of 256 characters");
    assertRejected(new Ping(" ", 1, null), "null or blank key");
    assertRejected(new Unserializable("u-1"), "cannot be serialized with JSON-B");
    assertRejected(new Unobserved("x-1"), "no @Observes method in this deployment takes");
    assertRejected(new Mismatched("m-1"), "registered as \"test.mismatched\"");
    assertEquals(0, db.count("select count(*) from outbox_entry"));
  }

  private void assertRejected(OutboxMessage bad, String expected) throws Exception {
    transaction.begin();
    try {
      InvalidMessageException e =
          assertThrows(
              InvalidMessageException.class,
              () -> outbox.send(List.of(new Ping("good", 1, null), bad)));
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      if (!(bad instanceof Ping)) {
        assertTrue(e.getMessage().contains(bad.getClass().getName()), e.getMessage());
      }
    } finally {
      transaction.commit(); // the exception leaves the caller's transaction usable
    }
  }

  /** A message whose payload JSON-B cannot serialize. */
  @OutboxType("test.unserializable")
  public static class Unserializable implements OutboxMessage {
    private final String key;

    public Unserializable(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    public String getBroken() {
      throw new IllegalStateException("this property cannot be read");
    }
  }

  /** A message class nothing observes. */
  @OutboxType("test.unobserved")
  public record Unobserved(String key) implements OutboxMessage {}

  /** A message whose type() disagrees with its annotation. */
  @OutboxType("test.mismatched")
  public record Mismatched(String key) implements OutboxMessage {
    @Override
    public String type() {
      return "test.something-else";
    }
  }

  /** Observers that make the odd message classes known to the registry. */
  @ApplicationScoped
  public static class OtherObservers {
    void on(@Observes Unserializable message) {}

    void on(@Observes Mismatched message) {}
  }
}
