package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.OutboxGenerator;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.naming.InitialContext;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A row another transaction holds (as a competing dispatcher would) is skipped, not waited for:
 * later entries of other keys are delivered meanwhile, and the held one once it is released.
 */
@ExtendWith(ArquillianExtension.class)
class SkipLockedIT {

  @Deployment
  static WebArchive app() {
    // a long poll interval: only after-commit wake-ups trigger rounds during the test
    return Deployments.app("skiplocked", "outstore.poll-interval=30s\n", SkipLockedIT.class);
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
  void rowsLockedByAnotherTransactionAreSkippedWithoutBlocking() throws Exception {
    // inserted by SQL, so no wake-up: it stays pending until a round runs
    db.insertEntry("held", "test.ping", "{\"key\":\"held\",\"seq\":1}");
    // a competing transaction on its own thread holds the row, as another dispatcher would
    try (Competitor row =
        Competitor.holding("select id from outbox_entry where msg_key = 'held' for update")) {
      // a later entry of another key: its round meets the held row first in seq order
      Tx.run(transaction, () -> outbox.send(new Ping("free", 1, null)));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> db.count("select count(*) from test_ledger where msg_key = 'free'") == 1);
      assertEquals("PENDING", status("held"));
      assertEquals(List.of(), recorder.invocationsOf("held"));
    }
    Tx.run(transaction, () -> outbox.send(new Ping("free", 2, null))); // wakes a round
    await().atMost(Duration.ofSeconds(10)).until(() -> status("held").equals("DONE"));
    assertEquals(1, recorder.invocationsOf("held").size());
  }

  @Test
  void aClaimThatWaitsLongerThanItsTimeoutIsCancelledAndTheDispatcherRecovers() throws Exception {
    db.insertEntry("late", "test.ping", "{\"key\":\"late\",\"seq\":1}");
    String waitingClaims =
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like"
            + " '%from outbox_entry%outbox_hold%for no key update%'";
    // nothing else makes a claim wait: a table lock on outbox_hold, which every claim reads
    try (Competitor table = Competitor.holding("lock table outbox_hold in access exclusive mode")) {
      Tx.run(transaction, () -> outbox.send(new Ping("free", 1, null))); // wakes a round
      await().atMost(Duration.ofSeconds(10)).until(() -> db.count(waitingClaims) > 0);
      // the claim and its one retry are cancelled: no claim is left waiting on the lock
      await().atMost(Duration.ofSeconds(20)).until(() -> db.count(waitingClaims) == 0);
      assertEquals(List.of(), recorder.invocationsOf("free"));
    }
    Tx.run(transaction, () -> outbox.send(new Ping("free", 2, null))); // wakes a round
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status("late").equals("DONE") && recorder.invocationsOf("free").size() == 2);
  }

  /**
   * A transaction on another thread that runs one statement and keeps its locks until closed, as a
   * competing dispatcher or an administrator would.
   */
  private static final class Competitor implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Future<?> running;

    private Competitor(String sql) throws Exception {
      CountDownLatch holding = new CountDownLatch(1);
      ManagedExecutorService executor =
          InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
      running = executor.submit(() -> hold(sql, holding));
      assertTrue(holding.await(10, TimeUnit.SECONDS), "the competing transaction ran: " + sql);
    }

    static Competitor holding(String sql) throws Exception {
      return new Competitor(sql);
    }

    private Void hold(String sql, CountDownLatch holding) throws Exception {
      DataSource dataSource = InitialContext.doLookup("jdbc/outstore");
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          statement.execute();
          holding.countDown();
          release.await(60, TimeUnit.SECONDS);
        } finally {
          connection.rollback();
        }
      }
      return null;
    }

    @Override
    public void close() throws Exception {
      release.countDown();
      running.get(10, TimeUnit.SECONDS);
    }
  }

  private String status(String key) {
    return (String) db.rows("select status from outbox_entry where msg_key = ?", key).get(0).get(0);
  }
}
