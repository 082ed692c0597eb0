package dev.outstore.internal;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One dispatch round: claim a batch, hand each entry to its observers and mark the batch done, all
 * in one JTA transaction, so observers' database work and the acknowledgement commit together.
 *
 * <p>If an observer fails, the batch rolls back, the failing entry gets its retry or DEAD record,
 * and the others are delivered again without it. Entries delivered before the failure in the
 * rolled-back transaction are thus handed to their observers twice; their database work is
 * committed once.
 */
@ApplicationScoped
class BatchDelivery {
  private static final Logger LOG = Logger.getLogger(BatchDelivery.class.getName());
  private static final int MAX_ERROR_LENGTH = 4000;

  @Resource UserTransaction transaction;
  @Inject EntryStore store;
  @Inject ObserverInvoker observers;
  @Inject OutboxExtension extension;

  /*
   * Entries between a failed delivery's rollback and the record of that failure. The rollback
   * frees the row while it still looks due, so without this another local worker would claim it
   * at once and the retry would not wait for its backoff. A claim that locked such a row anyway
   * (its query began before the id was added) ignores it and holds it only until it commits.
   * Another server can still take the row in that window (about a millisecond when the machine
   * is idle) and call the observer before the backoff; both attempts then count.
   */
  private final Set<Long> recordingFailure = ConcurrentHashMap.newKeySet();

  private OutboxSettings settings;
  private Backoff backoff;

  @PostConstruct
  void init() {
    settings = extension.settings();
    backoff =
        new Backoff(
            settings.backoffInitial(),
            settings.backoffMax(),
            settings.backoffJitter(),
            () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Runs one round.
   *
   * @param stopping true once the application is shutting down: failures are then not recorded,
   *     since they are most likely caused by the shutdown itself
   * @return how many entries were claimed (0 when there was nothing to do)
   * @throws Exception if the database failed, for example because it is down
   */
  int run(BooleanSupplier stopping) throws Exception {
    return lockAndDeliver(
        () -> store.claim(settings.batchSize(), Instant.now(), recordingFailure), stopping);
  }

  /** Locks entries in a new transaction and delivers them; returns how many were locked. */
  private int lockAndDeliver(Supplier<List<OutboxEntry>> lock, BooleanSupplier stopping)
      throws Exception {
    begin();
    List<OutboxEntry> locked;
    try {
      locked = lock.get();
    } catch (RuntimeException | Error e) {
      rollbackQuietly();
      throw e;
    }
    if (locked.isEmpty()) {
      transaction.commit(); // nothing due, or another dispatcher has it now
      return 0;
    }
    deliverLocked(locked, stopping);
    return locked.size();
  }

  /**
   * Delivers entries locked by the current transaction and ends it. When an observer throws, the
   * transaction rolls back, that entry alone is charged with the failed attempt, and the others are
   * delivered again in a new transaction. A failure no entry can be blamed for (at commit, say)
   * falls back to one transaction per entry, which finds the culprit.
   */
  private void deliverLocked(List<OutboxEntry> entries, BooleanSupplier stopping) throws Exception {
    OutboxEntry current = null;
    try {
      for (OutboxEntry entry : entries) {
        if (stopping.getAsBoolean()) {
          // roll back now rather than outlast the shutdown; the entries stay pending
          throw new IllegalStateException("outstore: the application is stopping");
        }
        current = entry;
        observers.deliver(entry);
      }
      current = null;
      if (entries.size() == 1) {
        store.flush(); // so an observer's failing write is charged to this entry
      }
      store.markDone(ids(entries), Instant.now());
      transaction.commit();
    } catch (Exception | Error e) {
      if (current == null && entries.size() == 1) {
        current = entries.get(0);
      }
      if (current != null) {
        recordingFailure.add(current.id());
      }
      rollbackQuietly();
      if (stopping.getAsBoolean()) {
        if (current != null) {
          recordingFailure.remove(current.id());
        }
        return;
      }
      if (current != null) {
        try {
          recordFailure(current.id(), e);
        } finally {
          recordingFailure.remove(current.id());
        }
        // the failing entry's followers stay behind it: lockDeliverable drops them
        List<Long> others = new ArrayList<>(ids(entries));
        others.remove(current.id());
        if (!others.isEmpty()) {
          redeliver(others, stopping);
        }
      } else {
        LOG.log(
            Level.WARNING,
            "outstore: a batch of "
                + entries.size()
                + " entries failed as a whole ("
                + describe(e)
                + "); delivering them one by one");
        for (Long id : ids(entries)) {
          redeliver(List.of(id), stopping);
        }
      }
    }
  }

  private void redeliver(List<Long> ids, BooleanSupplier stopping) throws Exception {
    lockAndDeliver(() -> store.lockDeliverable(ids), stopping);
  }

  private static List<Long> ids(List<OutboxEntry> entries) {
    return entries.stream().map(OutboxEntry::id).toList();
  }

  /** Charges a failed attempt to an entry that is still pending. */
  private void recordFailure(long id, Throwable failure) throws Exception {
    if (failure instanceof VirtualMachineError vmError) {
      throw vmError;
    }
    String error = describe(failure);
    begin();
    try {
      // Waits if another server claimed the row in the moment after the rollback. If that server
      // delivered it, nothing is left to record; if it failed too, both attempts count, so the
      // observer is never called more than max-attempts times.
      OutboxEntry entry = store.lockPendingWaiting(id);
      if (entry == null) {
        transaction.commit();
        return;
      }
      int attempt = entry.attempts() + 1;
      Instant now = Instant.now();
      if (attempt >= settings.maxAttempts()) {
        entry.dead(error, now);
        LOG.log(
            Level.SEVERE,
            "outstore: entry {0} (type {1}, key {2}) is DEAD after {3} attempts: {4}",
            new Object[] {id, entry.type(), entry.key(), attempt, error});
      } else {
        Duration delay = backoff.delay(attempt);
        entry.failed(error, later(entry.availableAt(), now.plus(delay)));
        LOG.log(
            Level.WARNING,
            "outstore: entry {0} (type {1}, key {2}) failed attempt {3} of {4}, retry in {5} ms:"
                + " {6}",
            new Object[] {
              id,
              entry.type(),
              entry.key(),
              attempt,
              settings.maxAttempts(),
              delay.toMillis(),
              error
            });
      }
      transaction.commit();
    } catch (Exception | Error e) {
      rollbackQuietly();
      throw e;
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private void begin() throws Exception {
    transaction.setTransactionTimeout((int) settings.transactionTimeout().toSeconds());
    transaction.begin();
  }

  private void rollbackQuietly() {
    try {
      if (transaction.getStatus() != Status.STATUS_NO_TRANSACTION) {
        transaction.rollback();
      }
    } catch (SystemException | IllegalStateException | SecurityException e) {
      LOG.log(Level.WARNING, "outstore: rollback failed", e);
    }
  }

  /** The failure and its causes in one line, as stored in {@code last_error}. */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null && text.length() < MAX_ERROR_LENGTH; t = t.getCause()) {
      if (text.length() > 0) {
        text.append("; caused by ");
      }
      text.append(t.getClass().getName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString();
  }
}
