package dev.outstore.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Every query outstore issues against {@code outbox_entry}. Callers hold the JTA transaction.
 *
 * <p>Claims lock with {@code PESSIMISTIC_WRITE} and a lock timeout of -2, which Hibernate renders
 * as {@code FOR UPDATE SKIP LOCKED} on PostgreSQL: competing dispatchers skip each other's rows
 * instead of waiting for them.
 */
@ApplicationScoped
class EntryStore {
  private static final String LOCK_TIMEOUT = "jakarta.persistence.lock.timeout";
  private static final int SKIP_LOCKED = -2;

  /*
   * Only the head of each key is eligible: an entry whose key has an earlier PENDING entry waits,
   * whether that entry is in flight on another server (locked), backing off, or not yet tried.
   * This is what keeps per-key order across threads and servers; row locks alone would not.
   */
  private static final String CLAIM =
      "select e from OutboxEntry e"
          + " where e.status = :pending and e.availableAt <= :now"
          + " and not exists (select 1 from OutboxEntry p"
          + "   where p.key = e.key and p.status = :pending and p.seq < e.seq)";

  private static final String ORDER = " order by e.seq";

  @PersistenceContext EntityManager em;

  /**
   * Locks and returns up to {@code limit} deliverable entries, at most one per key.
   *
   * @param excluded ids this server must not claim now
   */
  List<OutboxEntry> claim(int limit, Instant now, Collection<Long> excluded) {
    TypedQuery<OutboxEntry> query =
        excluded.isEmpty()
            ? em.createQuery(CLAIM + ORDER, OutboxEntry.class)
            : em.createQuery(CLAIM + " and e.id not in :excluded" + ORDER, OutboxEntry.class)
                .setParameter("excluded", List.copyOf(excluded));
    return query
        .setParameter("pending", EntryStatus.PENDING)
        .setParameter("now", now)
        .setMaxResults(limit)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setHint(LOCK_TIMEOUT, SKIP_LOCKED)
        .getResultList();
  }

  /** Locks those of the given entries that are still PENDING and not held elsewhere. */
  List<OutboxEntry> lockPending(List<Long> ids) {
    return em.createQuery(
            "select e from OutboxEntry e where e.id in :ids and e.status = :pending"
                + " order by e.seq",
            OutboxEntry.class)
        .setParameter("ids", ids)
        .setParameter("pending", EntryStatus.PENDING)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setHint(LOCK_TIMEOUT, SKIP_LOCKED)
        .getResultList();
  }

  /**
   * Marks locked entries DONE, flushing the observers' pending writes first.
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

  void persist(OutboxEntry entry) {
    em.persist(entry);
  }

  void flush() {
    em.flush();
  }
}
