package dev.outstore;

import java.util.Collection;
import java.util.Map;

/**
 * Writes messages to the outbox inside the caller's JTA transaction (gooutstore's Generator).
 *
 * <p>Inject it into any EJB or {@code @Transactional} CDI bean and call {@code send} next to the
 * business writes: the entries commit or roll back with them. After a commit that wrote entries,
 * the local dispatcher is woken so delivery does not wait for the next poll.
 *
 * <p><b>Transaction:</b> every method requires an active JTA transaction (MANDATORY semantics);
 * without one it throws {@link NoActiveTransactionException} and writes nothing. The entries are
 * inserted when the persistence context flushes, at the latest at commit.
 *
 * <p><b>Threading:</b> the bean is application scoped and safe to call from any thread.
 *
 * <p><b>Failures:</b> a message that cannot be stored (null, blank or oversized key, a type that
 * does not match its class or that nothing in this deployment observes, a payload JSON-B cannot
 * serialize) throws {@link InvalidMessageException} naming the message and the fault, before
 * anything of that call is written. The exception does not mark the transaction for rollback; the
 * caller decides.
 */
public interface OutboxGenerator {

  /**
   * Writes each message as one outbox entry, in the given order.
   *
   * @param messages the messages; an empty array writes nothing
   * @throws NoActiveTransactionException if no JTA transaction is active, or it is marked for
   *     rollback
   * @throws InvalidMessageException if any message cannot be stored; none of this call's messages
   *     is then written
   */
  void send(OutboxMessage... messages);

  /**
   * Writes each message of the collection as one outbox entry, in iteration order.
   *
   * @param messages the messages; an empty collection writes nothing
   * @throws NoActiveTransactionException if no JTA transaction is active, or it is marked for
   *     rollback
   * @throws InvalidMessageException if any message cannot be stored; none of this call's messages
   *     is then written
   */
  void send(Collection<? extends OutboxMessage> messages);

  /**
   * Writes one message with headers (for example a trace context or a correlation id), which the
   * dispatcher hands to observers of {@link OutboxEnvelope}.
   *
   * @param message the message
   * @param headers header names and values; neither may be null
   * @throws NoActiveTransactionException if no JTA transaction is active, or it is marked for
   *     rollback
   * @throws InvalidMessageException if the message or the headers cannot be stored
   */
  void send(OutboxMessage message, Map<String, String> headers);
}
