package dev.outstore.internal;

import dev.outstore.OutboxException;

/** An entry this deployment cannot hand to any observer: unknown type or unreadable payload. */
final class UndeliverableEntryException extends OutboxException {
  private static final long serialVersionUID = 1L;

  UndeliverableEntryException(String message) {
    super(message);
  }

  UndeliverableEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
