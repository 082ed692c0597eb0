package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outstore.OutboxGenerator;
import dev.outstore.OutboxSchema;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Smoke test of the demo's configuration: Liberty with the embedded H2 datasource (liberty/
 * db-h2.xml) and the shipped H2 DDL. Not a concurrency test: Hibernate's H2 dialect has no SKIP
 * LOCKED, so the workers wait for each other's rows instead of skipping them.
 */
@ExtendWith(ArquillianExtension.class)
class DemoConfigurationH2IT {

  @Deployment
  static WebArchive app() {
    return Deployments.app(
        "h2smoke", "outstore.poll-interval=200ms\n", DemoConfigurationH2IT.class);
  }

  @Inject OutboxGenerator outbox;
  @Inject Recorder recorder;
  @Inject Db db;
  @Inject UserTransaction transaction;

  @BeforeEach
  void schema() {
    OutboxSchema.H2.statements().forEach(db::update);
    db.update(
        "create table if not exists test_ledger (id bigint auto_increment primary key,"
            + " msg_key varchar(255) not null, seq integer not null, attempt integer not null,"
            + " note varchar(255))");
    db.clean();
    recorder.reset();
  }

  @Test
  void messagesFlowInPerKeyOrderOnH2() throws Exception {
    for (int seq = 1; seq <= 40; seq++) {
      List<Ping> round = new ArrayList<>();
      for (int k = 0; k < 5; k++) {
        round.add(new Ping("h2-" + k, seq, null));
      }
      Tx.run(transaction, () -> outbox.send(round));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> db.count("select count(*) from outbox_entry where status = 'DONE'") == 200);
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (List<Object> row : db.rows("select msg_key, seq from test_ledger order by id")) {
      byKey
          .computeIfAbsent((String) row.get(0), k -> new ArrayList<>())
          .add(((Number) row.get(1)).intValue());
    }
    assertEquals(5, byKey.size());
    byKey.forEach(
        (key, seqs) ->
            assertEquals(
                java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList(), seqs, key));
    assertEquals(200, recorder.invocations().size());
  }

  @Test
  void aFailedDeliveryIsHeldRecordedAndRetriedOnH2() throws Exception {
    recorder.failTimes("h2-flaky", 1, 1);
    Tx.run(transaction, () -> outbox.send(new Ping("h2-flaky", 1, null)));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                db.count(
                        "select count(*) from outbox_entry where status = 'DONE'"
                            + " and msg_key = 'h2-flaky'")
                    == 1);
    assertEquals(1L, db.count("select attempts from outbox_entry where msg_key = 'h2-flaky'"));
    assertEquals(0L, db.count("select count(*) from outbox_hold"));
    assertEquals(2, recorder.invocationsOf("h2-flaky").size());
  }
}
