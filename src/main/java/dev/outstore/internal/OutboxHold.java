package dev.outstore.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One row of {@code outbox_hold}: an entry whose delivery just failed, kept from every dispatcher
 * of the cluster until {@code heldUntil}, its retry time.
 *
 * <p>The failed delivery's transaction still holds the entry's row lock when the hold is committed
 * (in a transaction of its own), and its rollback then frees the row. Without the hold, any
 * dispatcher could claim the row in the moment between that rollback and the record of the failure,
 * and call the observer again before the backoff. If the server dies in that moment, the hold still
 * expires at the retry time, so the entry is retried as if the failure had been recorded.
 *
 * <p>Public only because JPA requires it of entities; not API.
 */
@Entity
@Table(name = "outbox_hold")
public class OutboxHold {
  @Id
  @Column(name = "entry_id")
  private Long entryId;

  @Column(name = "held_until", nullable = false)
  private Instant heldUntil;

  protected OutboxHold() {}

  OutboxHold(long entryId, Instant heldUntil) {
    this.entryId = entryId;
    this.heldUntil = heldUntil;
  }

  void extend(Instant until) {
    if (until.isAfter(heldUntil)) {
      heldUntil = until;
    }
  }
}
