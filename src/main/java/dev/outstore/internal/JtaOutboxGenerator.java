package dev.outstore.internal;

import dev.outstore.InvalidMessageException;
import dev.outstore.NoActiveTransactionException;
import dev.outstore.OutboxGenerator;
import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.JsonbException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The {@link OutboxGenerator} bean: validates, serializes and persists in the caller's JTA. */
@ApplicationScoped
class JtaOutboxGenerator implements OutboxGenerator {
  /* Key of the per-transaction counter that also marks the wake-up as registered. */
  private static final Object SENT_IN_TX = new Object();

  @Resource TransactionSynchronizationRegistry transactions;
  @Inject OutboxExtension extension;
  @Inject JsonCodec json;
  @Inject EntryStore store;
  @Inject Dispatcher dispatcher;

  @Override
  public void send(OutboxMessage... messages) {
    send(Arrays.asList(Objects.requireNonNull(messages, "messages")));
  }

  @Override
  public void send(OutboxMessage message, Map<String, String> headers) {
    if (headers == null) {
      throw new InvalidMessageException("headers must not be null; pass Map.of() for none");
    }
    headers.forEach(
        (name, value) -> {
          if (name == null || value == null) {
            throw new InvalidMessageException(
                "header " + name + "=" + value + " has a null name or value");
          }
        });
    write(List.of(message == null ? nullMessage(0, 1) : message), headers);
  }

  @Override
  public void send(Collection<? extends OutboxMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    write(messages, Map.of());
  }

  private void write(Collection<? extends OutboxMessage> messages, Map<String, String> headers) {
    requireActiveTransaction();
    if (messages.isEmpty()) {
      return;
    }
    // Validate and serialize everything first, so a bad message leaves nothing of this call.
    Instant now = Instant.now();
    String headerJson = json.writeHeaders(headers);
    List<OutboxEntry> entries = new ArrayList<>(messages.size());
    int index = 0;
    for (OutboxMessage message : messages) {
      if (message == null) {
        nullMessage(index, messages.size());
      }
      entries.add(
          new OutboxEntry(keyOf(message), typeOf(message), payloadOf(message), headerJson, now));
      index++;
    }
    entries.forEach(store::persist);
    wakeDispatcherAfterCommit(entries.size());
  }

  private void requireActiveTransaction() {
    int status = transactions.getTransactionStatus();
    if (status == Status.STATUS_ACTIVE) {
      return;
    }
    if (status == Status.STATUS_MARKED_ROLLBACK) {
      throw new NoActiveTransactionException(
          "OutboxGenerator.send was called in a transaction marked for rollback; the message"
              + " would be discarded");
    }
    throw new NoActiveTransactionException(
        "OutboxGenerator.send needs an active JTA transaction (transaction status "
            + status
            + "); call it from an EJB business method or a @Transactional CDI method");
  }

  private static OutboxMessage nullMessage(int index, int count) {
    throw new InvalidMessageException("message " + (index + 1) + " of " + count + " is null");
  }

  private static String keyOf(OutboxMessage message) {
    String key = message.key();
    if (key == null || key.isBlank()) {
      throw new InvalidMessageException(
          message.getClass().getName() + ".key() returned a null or blank key");
    }
    if (key.length() > OutboxType.MAX_LENGTH) {
      throw new InvalidMessageException(
          message.getClass().getName()
              + ".key() returned a key of "
              + key.length()
              + " characters (\""
              + key.substring(0, 32)
              + "...\"); the limit is "
              + OutboxType.MAX_LENGTH);
    }
    return key;
  }

  private String typeOf(OutboxMessage message) {
    Class<?> cls = message.getClass();
    String type;
    try {
      type = message.type();
    } catch (IllegalStateException e) {
      throw new InvalidMessageException(e.getMessage(), e);
    }
    MessageTypes types = extension.messageTypes();
    String registered = types.typeOf(cls).orElse(null);
    if (registered == null) {
      OutboxType annotation = cls.getAnnotation(OutboxType.class);
      if (annotation != null && !annotation.value().equals(type)) {
        throw mismatch(cls, type, annotation.value());
      }
      if (types.envelopeObserved() && type != null && !type.isBlank()) {
        return type; // an OutboxEnvelope observer takes every type
      }
      throw new InvalidMessageException(
          "no @Observes method in this deployment takes "
              + cls.getName()
              + " (outbox type \""
              + type
              + "\"), so the entry could never be delivered; add an observer for it or for"
              + " OutboxEnvelope");
    }
    if (!registered.equals(type)) {
      throw mismatch(cls, type, registered);
    }
    return type;
  }

  private static InvalidMessageException mismatch(Class<?> cls, String type, String registered) {
    return new InvalidMessageException(
        cls.getName()
            + ".type() returned \""
            + type
            + "\" but the class is registered as \""
            + registered
            + "\" by its @OutboxType");
  }

  private String payloadOf(OutboxMessage message) {
    try {
      return json.write(message);
    } catch (JsonbException e) {
      throw new InvalidMessageException(
          "the payload of "
              + message.getClass().getName()
              + " cannot be serialized with JSON-B: "
              + e.getMessage(),
          e);
    }
  }

  private void wakeDispatcherAfterCommit(int count) {
    int[] sent = (int[]) transactions.getResource(SENT_IN_TX);
    if (sent != null) {
      sent[0] += count;
      return;
    }
    int[] counter = {count};
    transactions.putResource(SENT_IN_TX, counter);
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              dispatcher.wake(counter[0]);
            }
          }
        });
  }
}
