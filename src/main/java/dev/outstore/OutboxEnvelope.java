package dev.outstore;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One outbox entry as it is delivered, fired as a CDI event after the payload event.
 *
 * <p>Observe it ({@code void on(@Observes OutboxEnvelope e)}) to see every entry with its
 * bookkeeping: a relay to a message broker, an audit log, or an observer that needs the attempt
 * number or headers. An envelope observer counts as an observer of every type, so entries whose
 * type has no payload observer in this deployment are delivered to it with {@link #message()} empty
 * and the raw {@link #payload()} JSON.
 *
 * <p>The observer runs in the dispatcher's JTA transaction, like payload observers.
 *
 * @param id the entry's id, unique in the outbox table
 * @param key the ordering key
 * @param type the stored logical type
 * @param attempt 1 for the first delivery attempt, 2 for the first retry, and so on
 * @param headers the headers given to {@link OutboxGenerator#send(OutboxMessage, Map)}, or empty
 * @param createdAt when the entry was written
 * @param payload the message serialized as JSON, as stored
 * @param message the deserialized message, if this deployment observes its type
 */
public record OutboxEnvelope(
    long id,
    String key,
    String type,
    int attempt,
    Map<String, String> headers,
    Instant createdAt,
    String payload,
    Optional<OutboxMessage> message) {

  /** Copies the headers so the envelope stays immutable. */
  public OutboxEnvelope {
    headers = Map.copyOf(headers);
  }
}
