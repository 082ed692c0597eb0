package dev.outstore;

/**
 * The base of outstore's unchecked exceptions.
 *
 * <p>Subclasses name the fault and the thing at fault; catch this type to handle any of them.
 */
public class OutboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, naming the thing at fault
   */
  public OutboxException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, naming the thing at fault
   * @param cause the underlying failure
   */
  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
