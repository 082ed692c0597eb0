package dev.outstore.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw-JDBC floor: the same claim (due PENDING rows in seq order, {@code LIMIT batch}, {@code
 * FOR UPDATE SKIP LOCKED}) and the same batched status update as outstore, one transaction per
 * batch, with as many threads as outstore has workers; no container, no JPA, no JSON, no per-key
 * check. The payload is read as a string and dropped.
 */
final class JdbcFloor {
  /** The floor's copy of outbox_entry: same DDL, same indexes. */
  static final String TABLE = "floor_entry";

  static final String CLAIM =
      "select id, seq, msg_key, msg_type, payload, headers, attempts, created_at"
          + " from "
          + TABLE
          + " where status = 'PENDING' and available_at <= now()"
          + " order by seq limit ? for update skip locked";
  static final String ACK =
      "update "
          + TABLE
          + " set status = 'DONE', done_at = now()"
          + " where id = any(?) and status = 'PENDING'";

  private JdbcFloor() {}

  /** Drains every pending entry; returns how many it marked DONE. */
  static long drain(BenchDb db, int threads, int batchSize) throws Exception {
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  work(db, batchSize, done);
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdown();
    }
    return done.get();
  }

  private static void work(BenchDb db, int batchSize, AtomicLong done) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement claim = c.prepareStatement(CLAIM);
        PreparedStatement ack = c.prepareStatement(ACK)) {
      c.setAutoCommit(false);
      while (true) {
        claim.setInt(1, batchSize);
        List<Long> ids = new ArrayList<>(batchSize);
        long bytes = 0;
        try (ResultSet rs = claim.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
            bytes += rs.getString(5).length(); // read the payload, as a dispatcher must
          }
        }
        if (ids.isEmpty()) {
          c.commit();
          return;
        }
        Array array = c.createArrayOf("bigint", ids.toArray());
        ack.setArray(1, array);
        int updated = ack.executeUpdate();
        if (updated != ids.size() || bytes == 0) {
          throw new IllegalStateException("acked " + updated + " of " + ids.size());
        }
        c.commit();
        done.addAndGet(updated);
      }
    }
  }
}
