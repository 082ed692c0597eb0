package dev.outstore.internal;

/** The life of an outbox entry; stored by name in {@code outbox_entry.status}. */
public enum EntryStatus {
  /** Waiting for delivery, possibly backing off until {@code available_at}. */
  PENDING,
  /** Delivered: its observers' transaction committed. */
  DONE,
  /** Given up after the last allowed attempt; {@code last_error} says why. */
  DEAD
}
