package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.OutboxGenerator;
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

/** Failing observers: retry with backoff, DEAD after max attempts, and entries nobody can take. */
@ExtendWith(ArquillianExtension.class)
class RetryIT {
  static final long BACKOFF_INITIAL_MS = 400;
  static final double JITTER = 0.5;
  static final int MAX_ATTEMPTS = 3;

  @Deployment
  static WebArchive app() {
    return Deployments.app(
        "retry",
        "outstore.poll-interval=100ms\n"
            + "outstore.backoff.initial="
            + BACKOFF_INITIAL_MS
            + "ms\n"
            + "outstore.backoff.max=5s\n"
            + "outstore.backoff.jitter="
            + JITTER
            + "\n"
            + "outstore.max-attempts="
            + MAX_ATTEMPTS
            + "\n",
        RetryIT.class);
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
  void observerFailingTwiceIsDeliveredOnAttemptThreeAfterBackoffAndOnlyItsLastWriteCommits()
      throws Exception {
    recorder.failTimes("flaky", 1, 2);
    Tx.run(transaction, () -> outbox.send(new Ping("flaky", 1, null)));

    await().atMost(Duration.ofSeconds(30)).until(() -> status("flaky", 0).equals("DONE"));
    List<Recorder.Invocation> calls = recorder.invocationsOf("flaky");
    assertEquals(List.of(1, 2, 3), calls.stream().map(Recorder.Invocation::attempt).toList());
    // the retry after failure n waits at least the jittered floor of initial * 2^(n-1)
    for (int n = 1; n <= 2; n++) {
      long gapMs = (calls.get(n).atNanos() - calls.get(n - 1).atNanos()) / 1_000_000;
      long floorMs = (long) ((BACKOFF_INITIAL_MS << (n - 1)) * (1 - JITTER));
      assertTrue(gapMs >= floorMs, "retry " + n + " came after " + gapMs + " ms < " + floorMs);
    }
    assertEquals(2L, db.count("select attempts from outbox_entry where msg_key = 'flaky'"));
    // the observer's ledger insert of attempts 1 and 2 rolled back with them; attempt 3's committed
    assertEquals(
        List.of(List.of(3)), db.rows("select attempt from test_ledger where msg_key = 'flaky'"));
  }

  @Test
  void alwaysFailingEntryEndsDeadWithItsErrorWhileOtherKeysFlow() throws Exception {
    recorder.failTimes("poison", 1, Integer.MAX_VALUE);
    Tx.run(
        transaction,
        () -> {
          outbox.send(new Ping("poison", 1, null), new Ping("poison", 2, null));
          for (int k = 0; k < 10; k++) {
            outbox.send(new Ping("healthy-" + k, 1, null), new Ping("healthy-" + k, 2, null));
          }
        });

    // the healthy keys finish while the poison entry is still being retried
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                db.count("select count(*) from test_ledger where msg_key like 'healthy-%'") == 20);
    assertEquals("PENDING", status("poison", 0));

    await().atMost(Duration.ofSeconds(30)).until(() -> status("poison", 0).equals("DEAD"));
    List<Object> dead =
        db.rows(
                "select attempts, last_error from outbox_entry where msg_key = 'poison' and seq ="
                    + " (select min(seq) from outbox_entry where msg_key = 'poison')")
            .get(0);
    assertEquals(MAX_ATTEMPTS, ((Number) dead.get(0)).intValue());
    assertTrue(
        dead.get(1).toString().contains("scripted failure of key poison seq 1 attempt 3"),
        dead.get(1).toString());
    assertEquals(
        MAX_ATTEMPTS,
        recorder.invocationsOf("poison").stream().filter(i -> i.ping().seq() == 1).count());

    // policy: a DEAD entry no longer holds back its key; the follower is delivered after it
    await().atMost(Duration.ofSeconds(30)).until(() -> status("poison", 1).equals("DONE"));
    List<Recorder.Invocation> poison = recorder.invocationsOf("poison");
    assertEquals(2, poison.get(poison.size() - 1).ping().seq());
    assertTrue(poison.subList(0, poison.size() - 1).stream().allMatch(i -> i.ping().seq() == 1));
  }

  @Test
  void entriesWithoutObserverOrWithCorruptPayloadAreNeverDoneAndEndDeadWithAReadableReason()
      throws Exception {
    db.insertEntry("nobody", "nobody.listens", "{\"key\":\"nobody\"}");
    db.insertEntry("corrupt", "test.ping", "{not json");
    Tx.run(transaction, () -> outbox.send(new Ping("after", 1, null)));

    await().atMost(Duration.ofSeconds(30)).until(() -> status("after", 0).equals("DONE"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status("nobody", 0).equals("DEAD") && status("corrupt", 0).equals("DEAD"));
    assertTrue(
        lastError("nobody")
            .contains("no observer in this deployment for outbox type \"nobody.listens\""),
        lastError("nobody"));
    assertTrue(
        lastError("corrupt").contains("cannot be read as dev.outstore.it.Ping"),
        lastError("corrupt"));
    assertEquals(List.of(), recorder.invocationsOf("corrupt"));
    assertEquals(
        0,
        db.count(
            "select count(*) from outbox_entry where status = 'DONE' and msg_key in ('nobody', 'corrupt')"));
  }

  @Test
  void aHeldEntryAndItsFollowerWaitForTheHoldToExpireWhileOtherKeysFlow() throws Exception {
    // as a server leaves it when it dies between holding a failed entry and recording the failure
    Tx.run(
        transaction,
        () -> {
          db.insertEntry("held", "test.ping", "{\"key\":\"held\",\"seq\":1}");
          db.insertEntry("held", "test.ping", "{\"key\":\"held\",\"seq\":2}");
          db.update(
              "insert into outbox_hold (entry_id, held_until) select id, now() + interval '4"
                  + " seconds' from outbox_entry where msg_key = 'held' order by seq limit 1");
        });
    Tx.run(transaction, () -> outbox.send(new Ping("free", 1, null)));

    await().atMost(Duration.ofSeconds(30)).until(() -> status("free", 0).equals("DONE"));
    // checked in one query: both still pending while the hold has not expired
    assertEquals(
        List.of(List.of(2L, true)),
        db.rows(
            "select count(*), bool_and(h.held_until > now()) from outbox_entry e, outbox_hold h"
                + " where e.msg_key = 'held' and e.status = 'PENDING'"));

    await().atMost(Duration.ofSeconds(30)).until(() -> status("held", 1).equals("DONE"));
    assertEquals(
        List.of(1, 2), recorder.invocationsOf("held").stream().map(i -> i.ping().seq()).toList());
    assertEquals(0L, db.count("select attempts from outbox_entry where msg_key = 'held' limit 1"));
  }

  @Test
  void aFailureIsRecordedOnTheEntryAndReleasesItsHold() throws Exception {
    recorder.failTimes("once", 1, 1);
    Tx.run(transaction, () -> outbox.send(new Ping("once", 1, null)));

    await().atMost(Duration.ofSeconds(30)).until(() -> status("once", 0).equals("DONE"));
    assertEquals(1L, db.count("select attempts from outbox_entry where msg_key = 'once'"));
    assertEquals(0L, db.count("select count(*) from outbox_hold"));
  }

  /** The status of the key's entry number {@code index} (0-based, in send order). */
  private String status(String key, int index) {
    List<List<Object>> rows =
        db.rows("select status from outbox_entry where msg_key = ? order by seq", key);
    return rows.size() > index ? (String) rows.get(index).get(0) : "MISSING";
  }

  private String lastError(String key) {
    return String.valueOf(
        db.rows("select last_error from outbox_entry where msg_key = ?", key).get(0).get(0));
  }
}
