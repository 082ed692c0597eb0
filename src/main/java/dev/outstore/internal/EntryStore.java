package dev.outstore.internal;

import dev.outstore.OutboxPersistence;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every query outstore issues against {@code outbox_entry}. Callers hold the JTA transaction.
 *
 * <p>Rows are locked with {@code PESSIMISTIC_WRITE} and a lock timeout of -2, which Hibernate
 * renders as {@code FOR UPDATE SKIP LOCKED} on PostgreSQL: competing dispatchers skip each other's
 * rows instead of waiting for them.
 *
 * <p>Per-key order takes two steps, because a row lock says nothing about the rows before it. The
 * claim leaves out entries stuck behind an earlier entry of their key that is backing off. Then,
 * with the rows locked, {@link #leadingTheirKeys} keeps of each key only the run of locked entries
 * that starts at the key's first pending entry: an entry whose predecessor is held by another
 * dispatcher, or was skipped for any reason, waits for a later round.
 */
@ApplicationScoped
class EntryStore {
  private static final String LOCK_TIMEOUT = "jakarta.persistence.lock.timeout";
  private static final int SKIP_LOCKED = -2;

  /*
   * The status is a literal, not a parameter: the partial indexes (WHERE status = 'PENDING') are
   * usable only when the planner sees the value, and PostgreSQL may switch a prepared statement
   * to a generic plan that does not (measured: a sequential scan and sort, 4.5 s per claim with
   * 100,000 pending and 1,000,000 done rows, against 0.3 ms).
   */
  private static final String PENDING = "dev.outstore.internal.EntryStatus.PENDING";

  /*
   * An entry backing off has failed before (attempts > 0), so the backoff check probes only the
   * small partial index of retrying entries. Checking every pending entry made PostgreSQL scan all
   * of them per claim (38 ms with 100,000 pending); step 2 (leadingTheirKeys) keeps the per-key
   * order in any case, this check only keeps useless rows out of the batch.
   */
  private static final String CLAIM =
      "select e from OutboxEntry e"
          + " where e.status = "
          + PENDING
          + " and e.availableAt <= :now"
          + " and not exists (select 1 from OutboxEntry p"
          + "   where p.key = e.key and p.status = "
          + PENDING
          + " and p.attempts > 0 and p.seq < e.seq"
          + "   and p.availableAt > :now)"
          + " and not exists (select 1 from OutboxHold h"
          + "   where h.entryId = e.id and h.heldUntil > :now)";
  private static final String ORDER = " order by e.seq";

  /*
   * A claim normally takes milliseconds. One whose snapshot other workers overtake does not: every
   * row they acknowledged after its snapshot still looks PENDING to it, so it locks the row's new
   * DONE version and rechecks it, row after row, slower than the others drain. Measured on the
   * benchmark's backlog: one claim ran for 23 minutes, and its snapshot kept every drained row's
   * index entry alive, so every other claim on the database walked them all (drain 3,805 msg/s
   * against 14,224 on the empty table, and the raw-JDBC floor down by the same factor). The
   * timeout cuts such a claim short; the next one starts from a fresh snapshot.
   */
  private static final String QUERY_TIMEOUT = "jakarta.persistence.query.timeout";
  static final int CLAIM_TIMEOUT_MILLIS = 2_000;
  private static final int CLAIM_PASSES = 3;

  @Inject @OutboxPersistence Instance<EntityManager> chosen;
  @Inject Instance<DefaultPersistenceContext> fallback;
  private EntityManager em;

  @PostConstruct
  void chooseUnit() {
    // a transaction-scoped container proxy: safe to keep and to share between threads
    em = chosen.isResolvable() ? chosen.get() : fallback.get().entityManager();
  }

  /**
   * Locks up to {@code limit} due entries and returns those that may be delivered now, in seq
   * order.
   *
   * <p>When another dispatcher holds the head of a key, the entries locked behind it are useless to
   * this round; a further pass then looks past those keys, so competing dispatchers spread over
   * different keys instead of queueing behind each other.
   *
   * @throws jakarta.persistence.QueryTimeoutException if a claim query ran longer than {@link
   *     #CLAIM_TIMEOUT_MILLIS}; the transaction must then roll back
   */
  List<OutboxEntry> claim(int limit, Instant now) {
    List<OutboxEntry> claimed = new ArrayList<>();
    Set<String> busyKeys = new HashSet<>();
    for (int pass = 0; pass < CLAIM_PASSES && claimed.size() < limit; pass++) {
      int wanted = limit - claimed.size();
      List<OutboxEntry> locked = lockDue(wanted, now, busyKeys);
      Set<String> interrupted = new HashSet<>();
      claimed.addAll(leadingTheirKeys(locked, interrupted));
      if (interrupted.isEmpty() || locked.size() < wanted) {
        break;
      }
      // rows this transaction already holds are not skipped by SKIP LOCKED: leave their keys out
      locked.forEach(e -> busyKeys.add(e.key()));
    }
    claimed.sort(Comparator.comparing(OutboxEntry::seq));
    return claimed;
  }

  private List<OutboxEntry> lockDue(int limit, Instant now, Collection<String> excludedKeys) {
    String jpql = CLAIM + (excludedKeys.isEmpty() ? "" : " and e.key not in :keys") + ORDER;
    TypedQuery<OutboxEntry> query = em.createQuery(jpql, OutboxEntry.class);
    if (!excludedKeys.isEmpty()) {
      query.setParameter("keys", List.copyOf(excludedKeys));
    }
    return query
        .setParameter("now", now)
        .setMaxResults(limit)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setHint(LOCK_TIMEOUT, SKIP_LOCKED)
        .setHint(QUERY_TIMEOUT, CLAIM_TIMEOUT_MILLIS)
        .getResultList();
  }

  /** Locks those of the given entries that are still PENDING and may be delivered now. */
  List<OutboxEntry> lockDeliverable(List<Long> ids) {
    return leadingTheirKeys(lockPending(ids), new HashSet<>());
  }

  /** Locks those of the given entries that are still PENDING and not held elsewhere. */
  List<OutboxEntry> lockPending(List<Long> ids) {
    return em.createQuery(
            "select e from OutboxEntry e where e.id in :ids and e.status = :pending" + ORDER,
            OutboxEntry.class)
        .setParameter("ids", ids)
        .setParameter("pending", EntryStatus.PENDING)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setHint(LOCK_TIMEOUT, SKIP_LOCKED)
        .getResultList();
  }

  /**
   * Locks one entry that is still PENDING, waiting for another transaction that holds it.
   *
   * @return the entry, or null if it is no longer pending
   */
  OutboxEntry lockPendingWaiting(long id) {
    return em.createQuery(
            "select e from OutboxEntry e where e.id = :id and e.status = :pending",
            OutboxEntry.class)
        .setParameter("id", id)
        .setParameter("pending", EntryStatus.PENDING)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .getResultStream()
        .findFirst()
        .orElse(null);
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
  private List<OutboxEntry> leadingTheirKeys(List<OutboxEntry> locked, Set<String> interrupted) {
    if (locked.isEmpty()) {
      return locked;
    }
    Set<String> keys = locked.stream().map(OutboxEntry::key).collect(Collectors.toSet());
    long lastSeq = locked.get(locked.size() - 1).seq();
    List<Object[]> pending =
        em.createQuery(
                "select e.key, e.id, h.entryId from OutboxEntry e left join OutboxHold h"
                    + " on h.entryId = e.id and h.heldUntil > :now where e.status = "
                    + PENDING
                    + " and e.key in :keys and e.seq <= :lastSeq"
                    + ORDER,
                Object[].class)
            .setParameter("now", Instant.now())
            .setParameter("keys", keys)
            .setParameter("lastSeq", lastSeq)
            .getResultList();
    Map<Long, OutboxEntry> byId =
        locked.stream().collect(Collectors.toMap(OutboxEntry::id, Function.identity()));
    Set<String> stopped = new HashSet<>();
    Set<Long> deliverable = new HashSet<>();
    for (Object[] row : pending) {
      String key = (String) row[0];
      if (!stopped.contains(key)) {
        if (byId.containsKey((Long) row[1]) && row[2] == null) {
          deliverable.add((Long) row[1]);
        } else {
          stopped.add(key);
        }
      }
    }
    if (deliverable.size() == locked.size()) {
      return locked;
    }
    List<OutboxEntry> kept = new ArrayList<>();
    for (OutboxEntry entry : locked) {
      if (deliverable.contains(entry.id())) {
        kept.add(entry);
      } else {
        interrupted.add(entry.key());
      }
    }
    return kept;
  }

  /**
   * Marks locked entries DONE.
   *
   * @throws IllegalStateException if not every entry was PENDING, which would mean the lock did not
   *     hold
   */
  void markDone(List<Long> ids, Instant now) {
    int updated =
        em.createQuery(
                "update OutboxEntry e set e.status = :done, e.doneAt = :now"
                    + " where e.id in :ids and e.status = :pending")
            .setParameter("done", EntryStatus.DONE)
            .setParameter("now", now)
            .setParameter("ids", ids)
            .setParameter("pending", EntryStatus.PENDING)
            .executeUpdate();
    if (updated != ids.size()) {
      throw new IllegalStateException(
          "outstore: marking " + ids.size() + " claimed entries done updated " + updated);
    }
  }

  /**
   * Holds an entry from every dispatcher until {@code until}, or extends its hold. Call in a
   * transaction of its own, committed before the transaction that failed to deliver the entry rolls
   * back.
   */
  void hold(long entryId, Instant until) {
    OutboxHold hold = em.find(OutboxHold.class, entryId);
    if (hold == null) {
      em.persist(new OutboxHold(entryId, until));
    } else {
      hold.extend(until);
    }
  }

  /**
   * Releases an entry's hold, once its failure is recorded on the entry itself, and clears expired
   * holds (left by a server that died before it could release them).
   */
  void release(long entryId, Instant now) {
    em.createQuery("delete from OutboxHold h where h.entryId = :id or h.heldUntil <= :now")
        .setParameter("id", entryId)
        .setParameter("now", now)
        .executeUpdate();
  }

  void persist(OutboxEntry entry) {
    em.persist(entry);
  }

  void flush() {
    em.flush();
  }
}
