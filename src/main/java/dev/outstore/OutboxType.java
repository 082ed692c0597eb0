package dev.outstore;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the stable logical type of an {@link OutboxMessage} class, for example {@code
 * "order.placed"}.
 *
 * <p>The name is stored in every outbox entry and mapped back to the class when the entry is
 * delivered, so it must not change once entries of it exist. At deployment outstore builds the
 * mapping from the message classes that {@code @Observes} methods observe; two classes with the
 * same name, or an observed message class without this annotation, fail the deployment.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OutboxType {

  /** The longest type name and the longest key the outbox table stores. */
  int MAX_LENGTH = 255;

  /**
   * The type name: not blank, at most {@link #MAX_LENGTH} characters.
   *
   * @return the type name
   */
  String value();
}
