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
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ManagedExecutorService executor =
        InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
    // a competing transaction on its own thread holds the row, as another dispatcher would
    Future<?> holder = executor.submit(() -> holdRow("held", locked, release));
    assertTrue(locked.await(10, TimeUnit.SECONDS), "the competing transaction locked the row");
    try {
      // a later entry of another key: its round meets the held row first in seq order
      Tx.run(transaction, () -> outbox.send(new Ping("free", 1, null)));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> db.count("select count(*) from test_ledger where msg_key = 'free'") == 1);
      assertEquals("PENDING", status("held"));
      assertEquals(List.of(), recorder.invocationsOf("held"));
    } finally {
      release.countDown();
    }
    holder.get(10, TimeUnit.SECONDS);
    Tx.run(transaction, () -> outbox.send(new Ping("free", 2, null))); // wakes a round
    await().atMost(Duration.ofSeconds(10)).until(() -> status("held").equals("DONE"));
    assertEquals(1, recorder.invocationsOf("held").size());
  }

  @Test
  void aClaimThatWaitsLongerThanItsTimeoutIsCancelledAndTheDispatcherRecovers() throws Exception {
    db.insertEntry("late", "test.ping", "{\"key\":\"late\",\"seq\":1}");
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ManagedExecutorService executor =
        InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
    // nothing else makes a claim wait: a table lock on outbox_hold, which every claim reads
    Future<?> holder =
        executor.submit(
            () ->
                holdWith("lock table outbox_hold in access exclusive mode", null, locked, release));
    assertTrue(locked.await(10, TimeUnit.SECONDS), "the competing transaction took the lock");
    String waitingClaims =
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like"
            + " '%from outbox_entry%outbox_hold%for no key update%'";
    try {
      Tx.run(transaction, () -> outbox.send(new Ping("free", 1, null))); // wakes a round
      await().atMost(Duration.ofSeconds(10)).until(() -> db.count(waitingClaims) > 0);
      // the claim and its one retry are cancelled: no claim is left waiting on the lock
      await().atMost(Duration.ofSeconds(20)).until(() -> db.count(waitingClaims) == 0);
      assertEquals(List.of(), recorder.invocationsOf("free"));
    } finally {
      release.countDown();
    }
    holder.get(10, TimeUnit.SECONDS);
    Tx.run(transaction, () -> outbox.send(new Ping("free", 2, null))); // wakes a round
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status("late").equals("DONE") && recorder.invocationsOf("free").size() == 2);
  }

  private static Void holdRow(String key, CountDownLatch locked, CountDownLatch release)
      throws Exception {
    return holdWith(
        "select id from outbox_entry where msg_key = ? for update", key, locked, release);
  }

  /** Runs one statement in a transaction of its own and holds that until released. */
  private static Void holdWith(
      String sql, String parameter, CountDownLatch locked, CountDownLatch release)
      throws Exception {
    DataSource dataSource = InitialContext.doLookup("jdbc/outstore");
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement lock = connection.prepareStatement(sql)) {
        if (parameter != null) {
          lock.setString(1, parameter);
        }
        lock.execute();
        locked.countDown();
        release.await(60, TimeUnit.SECONDS);
      } finally {
        connection.rollback();
      }
    }
    return null;
  }

  private String status(String key) {
    return (String) db.rows("select status from outbox_entry where msg_key = ?", key).get(0).get(0);
  }
}
