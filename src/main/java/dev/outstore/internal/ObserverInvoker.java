package dev.outstore.internal;

import dev.outstore.OutboxEnvelope;
import dev.outstore.OutboxMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands one entry to the application's observers: first the payload event of the registered class,
 * then the {@link OutboxEnvelope} event if anything observes it. Runs in the caller's transaction
 * and lets observer exceptions through.
 */
@ApplicationScoped
class ObserverInvoker {
  @Inject OutboxExtension extension;
  @Inject JsonCodec json;
  @Inject Event<Object> events;
  @Inject Event<OutboxEnvelope> envelopes;

  private final Map<Class<?>, Event<Object>> eventsByClass = new ConcurrentHashMap<>();

  /**
   * @throws UndeliverableEntryException if no observer takes the entry's type or its payload cannot
   *     be read; any exception an observer throws passes through
   */
  void deliver(ClaimedEntry entry) {
    MessageTypes types = extension.messageTypes();
    Optional<Class<? extends OutboxMessage>> cls = types.classOf(entry.type());
    if (cls.isEmpty() && !types.envelopeObserved()) {
      throw new UndeliverableEntryException(
          "no observer in this deployment for outbox type \""
              + entry.type()
              + "\" (entry "
              + entry.id()
              + "); deploy an @Observes method for its class or for OutboxEnvelope");
    }
    Optional<OutboxMessage> message = cls.map(c -> read(entry, c));
    message.ifPresent(m -> eventsByClass.computeIfAbsent(m.getClass(), this::select).fire(m));
    if (types.envelopeObserved()) {
      envelopes.fire(
          new OutboxEnvelope(
              entry.id(),
              entry.key(),
              entry.type(),
              entry.attempts() + 1,
              json.readHeaders(entry.headers()),
              entry.createdAt(),
              entry.payload(),
              message));
    }
  }

  private Event<Object> select(Class<?> cls) {
    @SuppressWarnings("unchecked")
    Event<Object> selected = (Event<Object>) events.select(cls);
    return selected;
  }

  private OutboxMessage read(ClaimedEntry entry, Class<? extends OutboxMessage> cls) {
    OutboxMessage message;
    try {
      message = json.read(entry.payload(), cls);
    } catch (RuntimeException e) {
      throw new UndeliverableEntryException(
          "the payload of entry "
              + entry.id()
              + " (outbox type \""
              + entry.type()
              + "\") cannot be read as "
              + cls.getName()
              + ": "
              + e.getMessage(),
          e);
    }
    if (message == null) {
      throw new UndeliverableEntryException(
          "the payload of entry " + entry.id() + " (outbox type \"" + entry.type() + "\") is null");
    }
    return message;
  }
}
