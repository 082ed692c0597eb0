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
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One dispatch round: claim a batch, hand each entry to its observers and mark the batch done, all
 * in one JTA transaction, so observers' database work and the acknowledgement commit together.
 *
 * <p>If anything in the batch fails, the batch rolls back and each entry is delivered again in a
 * transaction of its own, so the failing one gets its retry or DEAD record and the others pass.
 */
@ApplicationScoped
class BatchDelivery {
  private static final Logger LOG = Logger.getLogger(BatchDelivery.class.getName());
  private static final int MAX_ERROR_LENGTH = 4000;

  @Resource UserTransaction transaction;
  @Inject EntryStore store;
  @Inject ObserverInvoker observers;
  @Inject OutboxExtension extension;

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
   * @throws Exception if the claim itself failed, for example because the database is down
   */
  int run(BooleanSupplier stopping) throws Exception {
    List<OutboxEntry> claimed = null;
    begin();
    try {
      claimed = store.claim(settings.batchSize(), Instant.now());
      for (OutboxEntry entry : claimed) {
        observers.deliver(entry);
      }
      if (!claimed.isEmpty()) {
        store.markDone(claimed.stream().map(OutboxEntry::id).toList(), Instant.now());
      }
      transaction.commit();
      return claimed.size();
    } catch (Exception | Error e) {
      rollbackQuietly();
      if (claimed == null || claimed.isEmpty()) {
        throw e;
      }
      if (!stopping.getAsBoolean()) {
        for (OutboxEntry entry : claimed) {
          deliverAlone(entry.id(), stopping);
        }
      }
      return claimed.size();
    }
  }

  private void deliverAlone(long id, BooleanSupplier stopping) throws Exception {
    begin();
    try {
      OutboxEntry entry = store.lockPending(id).orElse(null);
      if (entry != null) {
        observers.deliver(entry);
        store.flush(); // so an observer's failing write is charged to this entry, not to commit
        store.markDone(List.of(id), Instant.now());
      }
      transaction.commit();
    } catch (Exception | Error e) {
      rollbackQuietly();
      if (!stopping.getAsBoolean()) {
        recordFailure(id, e);
      }
    }
  }

  private void recordFailure(long id, Throwable failure) throws Exception {
    if (failure instanceof VirtualMachineError vmError) {
      throw vmError;
    }
    String error = describe(failure);
    begin();
    try {
      OutboxEntry entry = store.lockPending(id).orElse(null);
      if (entry == null) {
        transaction.commit(); // another dispatcher has it now; it will record its own outcome
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
        entry.failed(error, now.plus(delay));
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
