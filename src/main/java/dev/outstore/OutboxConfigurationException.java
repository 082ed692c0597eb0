package dev.outstore;

/**
 * Reported as a CDI deployment problem when outstore's configuration or the application's message
 * classes are invalid, so the deployment fails at start instead of misbehaving later. The message
 * names each property with its value, or each class, at fault.
 */
public class OutboxConfigurationException extends OutboxException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message every problem found, one per line
   */
  public OutboxConfigurationException(String message) {
    super(message);
  }
}
