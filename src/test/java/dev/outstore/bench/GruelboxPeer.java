package dev.outstore.bench;

import com.gruelbox.transactionoutbox.Dialect;
import com.gruelbox.transactionoutbox.Persistor;
import com.gruelbox.transactionoutbox.Submitter;
import com.gruelbox.transactionoutbox.ThreadLocalContextTransactionManager;
import com.gruelbox.transactionoutbox.TransactionManager;
import com.gruelbox.transactionoutbox.TransactionOutbox;
import com.gruelbox.transactionoutbox.TransactionOutboxEntry;
import com.gruelbox.transactionoutbox.TransactionOutboxListener;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The peer: gruelbox transaction-outbox in its plain JDBC setup ({@code
 * TransactionManager.fromDataSource} over a HikariCP pool), draining no-op entries that carry the
 * same 1 KiB payload.
 *
 * <p>gruelbox hands each committed entry straight to its submitter; to build a backlog first, the
 * submitter drops those hand-offs while {@code paused}, so the entries wait in the table as after a
 * crash. The drain then runs gruelbox's own recovery path, {@code flush()}: select a batch with
 * {@code FOR UPDATE SKIP LOCKED}, push each entry's next attempt time back, commit, submit each to
 * the executor, where each entry is locked, invoked and deleted in a transaction of its own. The
 * clock is moved an hour ahead for the drain so every entry is due at once, as it would be at
 * {@code attemptFrequency} after the crash.
 */
final class GruelboxPeer implements AutoCloseable {
  /* Entries whose transaction (invoke + delete) committed. */
  private static final LongAdder SUCCEEDED = new LongAdder();

  private final HikariDataSource dataSource;
  private final ThreadLocalContextTransactionManager transactions;
  private final TransactionOutbox outbox;
  private final ExecutorService workers;
  private volatile boolean paused = true;
  private volatile Clock clock = Clock.systemUTC();

  GruelboxPeer(String jdbcUrl, int threads, int batchSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(threads + 2);
    config.setAutoCommit(true);
    dataSource = new HikariDataSource(config);
    transactions = TransactionManager.fromDataSource(dataSource);
    workers = Executors.newFixedThreadPool(threads);
    Submitter submitter =
        new Submitter() {
          @Override
          public void submit(
              TransactionOutboxEntry entry, Consumer<TransactionOutboxEntry> localExecutor) {
            if (!paused) {
              workers.execute(() -> localExecutor.accept(entry));
            }
          }
        };
    outbox =
        TransactionOutbox.builder()
            .transactionManager(transactions)
            .persistor(Persistor.forDialect(Dialect.POSTGRESQL_9))
            .submitter(submitter)
            .flushBatchSize(batchSize)
            .clockProvider(() -> clock)
            .listener(
                new TransactionOutboxListener() {
                  @Override
                  public void success(TransactionOutboxEntry entry) {
                    SUCCEEDED.increment();
                  }
                })
            .build();
  }

  void clear() throws Exception {
    try (var c = dataSource.getConnection();
        var s = c.createStatement()) {
      s.execute("truncate txno_outbox");
    }
  }

  void analyze() throws Exception {
    try (var c = dataSource.getConnection();
        var s = c.createStatement()) {
      s.execute("analyze txno_outbox");
    }
  }

  /** Schedules {@code count} no-op calls, {@code perTx} per transaction, without running them. */
  void schedule(long count, int perTx) {
    paused = true;
    for (long done = 0; done < count; done += perTx) {
      long chunk = Math.min(perTx, count - done);
      long first = done;
      transactions.inTransaction(
          () -> {
            for (long n = first; n < first + chunk; n++) {
              outbox.schedule(PeerNoOp.class).handle(BenchEvent.keyOf(n), BenchEvent.DATA);
            }
          });
    }
  }

  /**
   * Runs gruelbox's flush until {@code count} entries were processed and committed; returns the
   * seconds taken.
   */
  double drain(long count) throws InterruptedException {
    long before = SUCCEEDED.sum();
    clock = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
    paused = false;
    long start = System.nanoTime();
    while (SUCCEEDED.sum() - before < count) {
      if (!outbox.flush()) {
        Thread.sleep(1); // every entry was handed out; wait for the workers
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    paused = true;
    clock = Clock.systemUTC();
    return seconds;
  }

  @Override
  public void close() throws InterruptedException {
    workers.shutdown();
    workers.awaitTermination(10, TimeUnit.SECONDS);
    dataSource.close();
  }
}
