package dev.outstore;

/**
 * Thrown by {@link OutboxGenerator} when it is called without an active JTA transaction, or in a
 * transaction already marked for rollback. Nothing is written.
 *
 * <p>Unlike gooutstore, outstore never commits an entry on its own: call {@code send} from an EJB
 * business method or a {@code @Transactional} CDI method.
 */
public class NoActiveTransactionException extends OutboxException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what the transaction's state was
   */
  public NoActiveTransactionException(String message) {
    super(message);
  }
}
