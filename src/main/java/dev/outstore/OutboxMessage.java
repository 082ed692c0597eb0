package dev.outstore;

/**
 * A message that a business transaction owes another system, written to the outbox by {@link
 * OutboxGenerator#send} and later fired as a CDI event to the application's {@code @Observes}
 * methods for its class.
 *
 * <p>Implementations are plain Java values (records are the natural choice) that JSON-B can
 * serialize and deserialize. Each implementation that is observed must carry {@link OutboxType},
 * whose value is the stable name stored with every entry; the Java class may be renamed or moved
 * freely as long as that name stays.
 *
 * <p>This is the counterpart of gooutstore's {@code IOutboxMessage}: {@link #key()} orders
 * messages, {@link #type()} names them.
 */
public interface OutboxMessage {

  /**
   * The ordering key. Entries with the same key are delivered one after another in the order they
   * were sent; entries with different keys are delivered independently and in parallel.
   *
   * @return a non-blank key of at most {@value OutboxType#MAX_LENGTH} characters
   */
  String key();

  /**
   * The stable logical type stored with the entry and used to find the Java class again at
   * delivery.
   *
   * <p>The default returns the value of the class's {@link OutboxType} annotation. An override must
   * return the same value; {@link OutboxGenerator#send} rejects a message whose type differs from
   * the one registered for its class.
   *
   * @return the type name
   * @throws IllegalStateException if the class has no {@link OutboxType} annotation
   */
  default String type() {
    OutboxType type = getClass().getAnnotation(OutboxType.class);
    if (type == null) {
      throw new IllegalStateException(
          getClass().getName()
              + " implements OutboxMessage but has no @OutboxType annotation naming its stable type");
    }
    return type.value();
  }
}
