package dev.outstore.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Commits an {@link OutboxHold} while the failed delivery's transaction is suspended on the same
 * thread, still holding its row locks. The hold is a separate row, so writing it does not wait for
 * those locks; the container suspends and resumes the delivery transaction around the call and uses
 * a second connection for it.
 */
@ApplicationScoped
class FailureHold {
  @Inject EntryStore store;

  /**
   * Holds the entry until {@code until} in a new transaction, committed when this returns.
   *
   * @throws jakarta.persistence.PersistenceException if the database refuses the write
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void hold(long entryId, Instant until) {
    store.hold(entryId, until);
  }
}
