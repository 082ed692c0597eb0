package dev.outstore.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.jdbc.ReturningWork;

/**
 * The statements of every delivery round: claim, lock again, mark done, and charge a failure.
 * Callers hold the JTA transaction; the statements run on the outbox persistence unit's connection
 * in it.
 *
 * <p>They are plain SQL on that connection rather than JPQL: Hibernate translated the claim's
 * second step and the acknowledgement anew on every round (their {@code in} lists defeat its plan
 * cache) and tracked every claimed row as a managed entity, which took more than half of the
 * dispatcher's CPU (see docs/performance.md). On PostgreSQL, claims lock with {@code SKIP LOCKED}:
 * competing dispatchers skip each other's rows instead of waiting for them (on H2 they wait, see
 * {@link SqlDialect}).
 *
 * <p>Per-key order takes two steps, because a row lock says nothing about the rows before it. The
 * claim leaves out entries stuck behind an earlier entry of their key that is backing off. Then,
 * with the rows locked, {@link #leadingTheirKeys} keeps of each key only the run of locked entries
 * that starts at the key's first pending entry: an entry whose predecessor is held by another
 * dispatcher, or was skipped for any reason, waits for a later round.
 */
@ApplicationScoped
class EntryClaims {
  /*
   * The status is a literal, not a parameter: the partial indexes (WHERE status = 'PENDING') are
   * usable only when the planner sees the value, and PostgreSQL may switch a prepared statement
   * to a generic plan that does not (measured: a sequential scan and sort, 4.5 s per claim with
   * 100,000 pending and 1,000,000 done rows, against 0.3 ms).
   */
  private static final String COLUMNS =
      "e.id, e.seq, e.msg_key, e.msg_type, e.payload, e.headers, e.attempts, e.created_at";

  /*
   * An entry backing off has failed before (attempts > 0), so the backoff check probes only the
   * small partial index of retrying entries. Checking every pending entry made PostgreSQL scan all
   * of them per claim (38 ms with 100,000 pending); step 2 (leadingTheirKeys) keeps the per-key
   * order in any case, this check only keeps useless rows out of the batch.
   */
  private static final String DUE =
      "select "
          + COLUMNS
          + " from outbox_entry e where e.status = 'PENDING' and e.available_at <= ?"
          + " and not exists (select 1 from outbox_entry p where p.msg_key = e.msg_key"
          + " and p.status = 'PENDING' and p.attempts > 0 and p.seq < e.seq"
          + " and p.available_at > ?)"
          + " and not exists (select 1 from outbox_hold h where h.entry_id = e.id"
          + " and h.held_until > ?)";

  /*
   * The lower bound on seq changes no result (no pending entry lies below the first one), but
   * without it PostgreSQL's generic plan for this prepared statement, which it uses after five
   * executions, walks every pending-index entry of these keys in a bitmap scan, including the dead
   * entries of rows drained since the last vacuum: 1.9 ms per round in the benchmark's drain
   * against 0.7 ms with the bound (a range that makes the plan an index scan, which skips entries
   * it has found dead before).
   */
  private static final String LEADING =
      "select e.msg_key, e.id, h.entry_id from outbox_entry e left join outbox_hold h"
          + " on h.entry_id = e.id and h.held_until > ?"
          + " where e.status = 'PENDING' and e.msg_key = any(?) and e.seq <= ?"
          + " and e.seq >= (select min(f.seq) from outbox_entry f where f.status = 'PENDING')"
          + " order by e.seq";

  private static final String MARK_DONE =
      "update outbox_entry set status = 'DONE', done_at = ? where id = any(?)"
          + " and status = 'PENDING'";

  /*
   * A claim normally takes milliseconds. One whose snapshot other workers overtake does not: every
   * row they acknowledged after its snapshot still looks PENDING to it, so it locks the row's new
   * DONE version and rechecks it, row after row, slower than the others drain. Measured on the
   * benchmark's backlog: one claim ran for 23 minutes, and its snapshot kept every drained row's
   * index entry alive, so every other claim on the database walked them all (drain 3,805 msg/s
   * against 14,224 on the empty table, and the raw-JDBC floor down by the same factor). The
   * timeout cuts such a claim short; the next one starts from a fresh snapshot.
   */
  static final int CLAIM_TIMEOUT_SECONDS = 2;

  private static final String QUERY_CANCELED = "57014";
  private static final int CLAIM_PASSES = 3;

  @Inject EntryStore store;
  private volatile SqlDialect dialect;

  /**
   * Locks up to {@code limit} due entries and returns those that may be delivered now, in seq
   * order.
   *
   * <p>When another dispatcher holds the head of a key, the entries locked behind it are useless to
   * this round; a further pass then looks past those keys, so competing dispatchers spread over
   * different keys instead of queueing behind each other.
   *
   * @throws ClaimTimeoutException if a claim query ran longer than {@link #CLAIM_TIMEOUT_SECONDS};
   *     the transaction must then roll back
   * @throws jakarta.persistence.PersistenceException if the database fails otherwise
   */
  List<ClaimedEntry> claim(int limit, Instant now) {
    return work(
        connection -> {
          List<ClaimedEntry> claimed = new ArrayList<>();
          Set<String> busyKeys = new HashSet<>();
          for (int pass = 0; pass < CLAIM_PASSES && claimed.size() < limit; pass++) {
            int wanted = limit - claimed.size();
            List<ClaimedEntry> locked = lockDue(connection, wanted, now, busyKeys);
            Set<String> interrupted = new HashSet<>();
            claimed.addAll(leadingTheirKeys(connection, locked, interrupted));
            if (interrupted.isEmpty() || locked.size() < wanted) {
              break;
            }
            // rows this transaction already holds are not skipped by SKIP LOCKED: leave their keys
            locked.forEach(e -> busyKeys.add(e.key()));
          }
          claimed.sort(Comparator.comparingLong(ClaimedEntry::seq));
          return claimed;
        });
  }

  /** Locks those of the given entries that are still PENDING and may be delivered now. */
  List<ClaimedEntry> lockDeliverable(List<Long> ids) {
    return work(
        connection -> {
          String sql =
              "select "
                  + COLUMNS
                  + " from outbox_entry e where e.id = any(?) and e.status = 'PENDING'"
                  + " order by e.seq"
                  + dialect.claimLock();
          List<ClaimedEntry> locked;
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            locked = read(statement);
          }
          return leadingTheirKeys(connection, locked, new HashSet<>());
        });
  }

  /**
   * Marks locked entries DONE.
   *
   * @throws IllegalStateException if not every entry was PENDING, which would mean the lock did not
   *     hold
   */
  void markDone(List<Long> ids, Instant now) {
    int updated =
        work(
            connection -> {
              try (PreparedStatement statement = connection.prepareStatement(MARK_DONE)) {
                statement.setObject(1, timestamp(now));
                statement.setArray(2, connection.createArrayOf("bigint", ids.toArray()));
                return statement.executeUpdate();
              }
            });
    if (updated != ids.size()) {
      throw new IllegalStateException(
          "outstore: marking " + ids.size() + " claimed entries done updated " + updated);
    }
  }

  /** A failed attempt as {@link #chargeFailure} recorded it. */
  record ChargedFailure(String type, String key, int attempt, boolean dead) {}

  /**
   * Charges a failed attempt to an entry that is still PENDING: pushes its {@code available_at} to
   * {@code retryAt} (never earlier than it was), or makes it DEAD after {@code maxAttempts}. Then
   * releases its hold and any expired one. Waits if another transaction holds the row.
   *
   * @return what was recorded, or null if the entry was no longer pending
   */
  ChargedFailure chargeFailure(long id, String error, Instant retryAt, int maxAttempts) {
    return work(
        connection -> {
          ChargedFailure charged = null;
          try (PreparedStatement lock =
              connection.prepareStatement(
                  "select attempts, msg_type, msg_key, available_at from outbox_entry"
                      + " where id = ? and status = 'PENDING'"
                      + dialect.lock())) {
            lock.setLong(1, id);
            try (ResultSet row = lock.executeQuery()) {
              if (row.next()) {
                int attempt = row.getInt(1) + 1;
                Instant availableAt = row.getObject(4, OffsetDateTime.class).toInstant();
                charged =
                    new ChargedFailure(
                        row.getString(2), row.getString(3), attempt, attempt >= maxAttempts);
                Instant due = availableAt.isAfter(retryAt) ? availableAt : retryAt;
                update(connection, id, error, charged, due);
              }
            }
          }
          try (PreparedStatement release =
              connection.prepareStatement(
                  "delete from outbox_hold where entry_id = ? or held_until <= ?")) {
            release.setLong(1, id);
            release.setObject(2, timestamp(Instant.now()));
            release.executeUpdate();
          }
          return charged;
        });
  }

  private static void update(
      Connection connection, long id, String error, ChargedFailure charged, Instant due)
      throws SQLException {
    String sql =
        charged.dead()
            ? "update outbox_entry set attempts = ?, last_error = ?, status = 'DEAD', done_at = ?"
                + " where id = ?"
            : "update outbox_entry set attempts = ?, last_error = ?, available_at = ? where id = ?";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setInt(1, charged.attempt());
      update.setString(2, error);
      update.setObject(3, timestamp(charged.dead() ? Instant.now() : due));
      update.setLong(4, id);
      if (update.executeUpdate() != 1) {
        throw new IllegalStateException("outstore: entry " + id + " vanished while locked");
      }
    }
  }

  private List<ClaimedEntry> lockDue(
      Connection connection, int limit, Instant now, Collection<String> excludedKeys)
      throws SQLException {
    String sql =
        DUE
            + (excludedKeys.isEmpty() ? "" : " and e.msg_key <> all(?)")
            + " order by e.seq limit ?"
            + dialect.claimLock();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      OffsetDateTime at = timestamp(now);
      int p = 1;
      statement.setObject(p++, at);
      statement.setObject(p++, at);
      statement.setObject(p++, at);
      if (!excludedKeys.isEmpty()) {
        statement.setArray(p++, connection.createArrayOf("varchar", excludedKeys.toArray()));
      }
      statement.setInt(p, limit);
      statement.setQueryTimeout(CLAIM_TIMEOUT_SECONDS);
      try {
        return read(statement);
      } catch (SQLException e) {
        if (QUERY_CANCELED.equals(e.getSQLState())) {
          throw new ClaimTimeoutException(e);
        }
        throw e;
      }
    }
  }

  /**
   * Of locked entries in seq order, keeps for each key the run that starts at the key's first
   * pending entry and has no gap of entries this transaction does not hold. A held entry (see
   * {@link OutboxHold}) ends its key's run even if locked: this query runs after the lock was
   * taken, so it sees a hold committed before a failed delivery's rollback freed the row, which the
   * claim's own snapshot may predate.
   *
   * @param interrupted receives the keys of which some locked entries were left out
   */
  private static List<ClaimedEntry> leadingTheirKeys(
      Connection connection, List<ClaimedEntry> locked, Set<String> interrupted)
      throws SQLException {
    if (locked.isEmpty()) {
      return locked;
    }
    Set<String> keys = new LinkedHashSet<>();
    Map<Long, ClaimedEntry> byId = new HashMap<>();
    for (ClaimedEntry entry : locked) {
      keys.add(entry.key());
      byId.put(entry.id(), entry);
    }
    Set<String> stopped = new HashSet<>();
    Set<Long> deliverable = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(LEADING)) {
      statement.setObject(1, timestamp(Instant.now()));
      statement.setArray(2, connection.createArrayOf("varchar", keys.toArray()));
      statement.setLong(3, locked.get(locked.size() - 1).seq());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String key = rows.getString(1);
          long id = rows.getLong(2);
          rows.getLong(3);
          boolean held = !rows.wasNull();
          if (!stopped.contains(key)) {
            if (byId.containsKey(id) && !held) {
              deliverable.add(id);
            } else {
              stopped.add(key);
            }
          }
        }
      }
    }
    if (deliverable.size() == locked.size()) {
      return locked;
    }
    List<ClaimedEntry> kept = new ArrayList<>();
    for (ClaimedEntry entry : locked) {
      if (deliverable.contains(entry.id())) {
        kept.add(entry);
      } else {
        interrupted.add(entry.key());
      }
    }
    return kept;
  }

  private static List<ClaimedEntry> read(PreparedStatement statement) throws SQLException {
    List<ClaimedEntry> entries = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        entries.add(
            new ClaimedEntry(
                rows.getLong(1),
                rows.getLong(2),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getString(6),
                rows.getInt(7),
                rows.getObject(8, OffsetDateTime.class).toInstant()));
      }
    }
    return entries;
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** Runs statements on the persistence unit's connection, enlisted in the current transaction. */
  private <T> T work(ReturningWork<T> work) {
    return store.onConnection(
        connection -> {
          if (dialect == null) {
            dialect = SqlDialect.of(connection.getMetaData().getDatabaseProductName());
          }
          return work.execute(connection);
        });
  }
}
