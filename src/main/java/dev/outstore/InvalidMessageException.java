package dev.outstore;

/**
 * Thrown by {@link OutboxGenerator} for a message that cannot be stored: a null message, a blank or
 * oversized key, a type that does not match its class or that nothing observes, invalid headers, or
 * a payload that JSON-B cannot serialize. The message names the class and the fault; nothing of the
 * call is written.
 */
public class InvalidMessageException extends OutboxException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message the fault, naming the message class
   */
  public InvalidMessageException(String message) {
    super(message);
  }

  /**
   * @param message the fault, naming the message class
   * @param cause the underlying failure, for example JSON-B's
   */
  public InvalidMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
