package dev.outstore.internal;

import dev.outstore.internal.EntryClaims.ChargedFailure;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One dispatch round: claim a batch, hand each entry to its observers and mark the batch done, all
 * in one JTA transaction, so observers' database work and the acknowledgement commit together.
 *
 * <p>If an observer fails, the failing entry is held from every dispatcher until its retry time
 * ({@link OutboxHold}), the batch rolls back, the entry gets its retry or DEAD record, and the
 * others are delivered again without it. Entries delivered before the failure in the rolled-back
 * transaction are thus handed to their observers again; their database work is committed once.
 */
@ApplicationScoped
class BatchDelivery {
  private static final Logger LOG = Logger.getLogger(BatchDelivery.class.getName());
  private static final int MAX_ERROR_LENGTH = 4000;

  @Resource UserTransaction transaction;
  @Inject EntryStore store;
  @Inject EntryClaims claims;
  @Inject ObserverInvoker observers;
  @Inject OutboxExtension extension;
  @Inject FailureHold failureHold;

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
    List<ClaimedEntry> claimed;
    try {
      claimed = lock(() -> claims.claim(settings.batchSize(), Instant.now()));
    } catch (ClaimTimeoutException e) {
      // its snapshot was overtaken (see EntryClaims); once more, with a fresh one
      LOG.log(Level.FINE, "outstore: a claim timed out; claiming again", e);
      claimed = lock(() -> claims.claim(settings.batchSize(), Instant.now()));
    }
    if (!claimed.isEmpty()) {
      deliverRound(claimed, stopping);
    }
    return claimed.size();
  }

  /**
   * Delivers claimed entries, locked by the current transaction, and ends it.
   *
   * <p>When an observer throws, the transaction rolls back and that entry alone is charged with the
   * failed attempt. The run is then split around it: the entries before it, whose observers had
   * returned, are delivered again in a transaction of their own, then those after it in another. An
   * entry's observers are thus called again only for a failure later in its own, ever shorter, run.
   * Redelivering the whole rest of the batch instead called the first entries once per failure in
   * the batch (62 times for one entry at a 5 % failure rate, see docs/reliability.md), and each
   * call could be charged. A failure that no entry can be blamed for (at commit, say) splits the
   * run into single entries, which finds the culprit.
   */
  private void deliverRound(List<ClaimedEntry> claimed, BooleanSupplier stopping) throws Exception {
    Deque<List<Long>> runs = new ArrayDeque<>(); // the next run to deliver is on top
    List<ClaimedEntry> entries = claimed;
    while (true) {
      Failure failure = deliverLocked(entries, stopping);
      if (failure != null) {
        if (stopping.getAsBoolean()) {
          return; // the rest stays pending for the next start
        }
        if (failure.index() >= 0) {
          runs.push(ids(entries.subList(failure.index() + 1, entries.size())));
          runs.push(ids(entries.subList(0, failure.index())));
        } else {
          LOG.log(
              Level.WARNING,
              "outstore: a batch of "
                  + entries.size()
                  + " entries failed as a whole ("
                  + describe(failure.cause())
                  + "); delivering them one by one");
          for (int i = entries.size() - 1; i >= 0; i--) {
            runs.push(List.of(entries.get(i).id()));
          }
        }
      }
      entries = List.of();
      while (entries.isEmpty()) {
        if (runs.isEmpty()) {
          return;
        }
        List<Long> ids = runs.pop();
        if (!ids.isEmpty()) {
          // a failed entry's followers stay behind it: lockDeliverable drops them
          entries = lock(() -> claims.lockDeliverable(ids));
        }
      }
    }
  }

  /** An observer failure in {@link #deliverLocked}: the failing entry's index, or -1 if unknown. */
  private record Failure(int index, Throwable cause) {}

  /**
   * Begins a transaction and locks entries in it. Returns them with the transaction open, or an
   * empty list with the transaction committed.
   */
  private List<ClaimedEntry> lock(Supplier<List<ClaimedEntry>> query) throws Exception {
    begin();
    List<ClaimedEntry> locked;
    try {
      locked = query.get();
    } catch (RuntimeException | Error e) {
      rollbackQuietly();
      throw e;
    }
    if (locked.isEmpty()) {
      transaction.commit(); // nothing due, or another dispatcher has it now
    }
    return locked;
  }

  /**
   * Delivers entries locked by the current transaction and ends it: commits and returns null, or
   * rolls back, charges the failing entry (unless stopping) and returns the failure.
   */
  private Failure deliverLocked(List<ClaimedEntry> entries, BooleanSupplier stopping)
      throws Exception {
    int current = -1;
    try {
      for (int i = 0; i < entries.size(); i++) {
        if (stopping.getAsBoolean()) {
          // roll back now rather than outlast the shutdown; the entries stay pending
          throw new IllegalStateException("outstore: the application is stopping");
        }
        current = i;
        observers.deliver(entries.get(i));
      }
      current = -1;
      if (entries.size() == 1) {
        store.flush(); // so an observer's failing write is charged to this entry
        current = 0;
      }
      claims.markDone(ids(entries), Instant.now());
      transaction.commit();
      return null;
    } catch (Exception | Error e) {
      ClaimedEntry culprit = current >= 0 ? entries.get(current) : null;
      if (culprit == null || stopping.getAsBoolean() || e instanceof VirtualMachineError) {
        rollbackQuietly();
        if (e instanceof VirtualMachineError vmError) {
          throw vmError;
        }
        return new Failure(current, e);
      }
      // the rollback frees the row before the failure is recorded on it: hold it first
      Instant retryAt = Instant.now().plus(backoff.delay(culprit.attempts() + 1));
      try {
        failureHold.hold(culprit.id(), retryAt);
      } catch (RuntimeException holdFailed) {
        rollbackQuietly();
        holdFailed.addSuppressed(e);
        throw holdFailed;
      }
      rollbackQuietly();
      recordFailure(culprit.id(), e, retryAt);
      return new Failure(current, e);
    }
  }

  private static List<Long> ids(List<ClaimedEntry> entries) {
    return entries.stream().map(ClaimedEntry::id).toList();
  }

  /**
   * Charges a failed attempt to an entry that is still pending, and releases its hold.
   *
   * @param retryAt the end of its hold: when it is due again, unless this was its last attempt
   */
  private void recordFailure(long id, Throwable failure, Instant retryAt) throws Exception {
    String error = describe(failure);
    begin();
    try {
      // Waits if another dispatcher holds the row: one whose claim found it before the hold.
      // If that one delivered it, nothing is left to record; if it failed too, both attempts
      // count, so the observer is never called more than max-attempts times.
      ChargedFailure charged = claims.chargeFailure(id, error, retryAt, settings.maxAttempts());
      transaction.commit();
      if (charged == null) {
        return;
      }
      if (charged.dead()) {
        LOG.log(
            Level.SEVERE,
            "outstore: entry {0} (type {1}, key {2}) is DEAD after {3} attempts: {4}",
            new Object[] {id, charged.type(), charged.key(), charged.attempt(), error});
      } else {
        LOG.log(
            Level.WARNING,
            "outstore: entry {0} (type {1}, key {2}) failed attempt {3} of {4}, retry in {5} ms:"
                + " {6}",
            new Object[] {
              id,
              charged.type(),
              charged.key(),
              charged.attempt(),
              settings.maxAttempts(),
              Duration.between(Instant.now(), retryAt).toMillis(),
              error
            });
      }
    } catch (Exception | Error e) {
      rollbackQuietly();
      throw e;
    }
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
        // PostgreSQL's text type refuses NUL: the record would fail, and with it every attempt
        text.append(": ").append(t.getMessage().replace('\0', '\uFFFD'));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString();
  }
}
