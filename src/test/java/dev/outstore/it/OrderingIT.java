package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outstore.OutboxGenerator;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import javax.naming.InitialContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-key FIFO with 4 workers while producers send concurrently: the ledger, written in each
 * delivery's transaction, must show every key's entries exactly once and in send order.
 */
@ExtendWith(ArquillianExtension.class)
class OrderingIT {
  static final int KEYS = 12;
  static final int PER_KEY = 200;

  @Deployment
  static WebArchive app() {
    return Deployments.app(
        "ordering",
        "outstore.workers=4\noutstore.batch-size=16\noutstore.poll-interval=200ms\n",
        OrderingIT.class);
  }

  @Inject OutboxGenerator outbox;
  @Inject Recorder recorder;
  @Inject Db db;

  @BeforeEach
  void clean() {
    db.clean();
    recorder.reset();
  }

  @Test
  void fourWorkersKeepEveryKeysOrderWithoutDuplicates() throws Exception {
    ManagedExecutorService executor =
        InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
    // one producer per key, sending its entries in transactions of 1 to 8, all keys at once
    long start = System.nanoTime();
    List<Future<?>> producers = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      String key = "key-" + k;
      producers.add(executor.submit(() -> produce(key)));
    }
    for (Future<?> producer : producers) {
      producer.get();
    }

    long sent = System.nanoTime();
    int total = KEYS * PER_KEY;
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> db.count("select count(*) from outbox_entry where status = 'DONE'") == total);
    Logger.getLogger(OrderingIT.class.getName())
        .info(
            String.format(
                "OrderingIT: %d entries sent in %d ms, all delivered %d ms after the start",
                total, (sent - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000));

    Map<String, List<Integer>> delivered = new HashMap<>();
    for (List<Object> row : db.rows("select msg_key, seq from test_ledger order by id")) {
      delivered
          .computeIfAbsent((String) row.get(0), k -> new ArrayList<>())
          .add(((Number) row.get(1)).intValue());
    }
    List<Integer> expected = IntStream.rangeClosed(1, PER_KEY).boxed().toList();
    assertEquals(KEYS, delivered.size());
    delivered.forEach((key, seqs) -> assertEquals(expected, seqs, "delivery order of " + key));
    assertEquals(total, recorder.invocations().size(), "observer calls: no duplicates");
  }

  private Void produce(String key) throws Exception {
    UserTransaction transaction = InitialContext.doLookup("java:comp/UserTransaction");
    int seq = 1;
    while (seq <= PER_KEY) {
      int size = Math.min(ThreadLocalRandom.current().nextInt(1, 9), PER_KEY - seq + 1);
      List<Ping> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        batch.add(new Ping(key, seq++, null));
      }
      Tx.run(transaction, () -> outbox.send(batch));
    }
    return null;
  }
}
