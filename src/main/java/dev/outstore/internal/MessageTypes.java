package dev.outstore.internal;

import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mapping between stored type names and message classes, built at deployment from the observed
 * message classes and immutable afterwards.
 */
final class MessageTypes {
  private final Map<String, Class<? extends OutboxMessage>> classByType;
  private final Map<Class<?>, String> typeByClass;
  private final boolean envelopeObserved;

  private MessageTypes(
      Map<String, Class<? extends OutboxMessage>> classByType, boolean envelopeObserved) {
    this.classByType = Map.copyOf(classByType);
    Map<Class<?>, String> byClass = new HashMap<>();
    classByType.forEach((type, cls) -> byClass.put(cls, type));
    this.typeByClass = Map.copyOf(byClass);
    this.envelopeObserved = envelopeObserved;
  }

  /** The class registered for a stored type, if this deployment observes it. */
  Optional<Class<? extends OutboxMessage>> classOf(String type) {
    return Optional.ofNullable(classByType.get(type));
  }

  /** The type registered for a message class, if this deployment observes it. */
  Optional<String> typeOf(Class<?> messageClass) {
    return Optional.ofNullable(typeByClass.get(messageClass));
  }

  /** Whether some observer takes {@code OutboxEnvelope}, and so every type. */
  boolean envelopeObserved() {
    return envelopeObserved;
  }

  int size() {
    return classByType.size();
  }

  /** Collects observed classes; {@link #build} reports every conflict at once. */
  static final class Builder {
    private final Map<String, Class<? extends OutboxMessage>> classByType = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private boolean envelopeObserved;

    /**
     * Registers a class that an observer method takes.
     *
     * @param where the observer method, for messages
     */
    void observed(Class<? extends OutboxMessage> cls, String where) {
      if (cls.isInterface() || Modifier.isAbstract(cls.getModifiers())) {
        return; // an observer of a supertype receives the concrete classes registered elsewhere
      }
      OutboxType annotation = cls.getAnnotation(OutboxType.class);
      if (annotation == null) {
        problems.add(
            cls.getName()
                + " is observed by "
                + where
                + " but has no @OutboxType(\"...\") naming its stable stored type");
        return;
      }
      String type = annotation.value();
      if (type.isBlank() || type.length() > OutboxType.MAX_LENGTH) {
        problems.add(
            "@OutboxType(\""
                + type
                + "\") on "
                + cls.getName()
                + " must be non-blank and at most "
                + OutboxType.MAX_LENGTH
                + " characters");
        return;
      }
      Class<? extends OutboxMessage> previous = classByType.putIfAbsent(type, cls);
      if (previous != null && previous != cls) {
        problems.add(
            "outbox type \""
                + type
                + "\" is claimed by both "
                + previous.getName()
                + " and "
                + cls.getName()
                + "; each type name must belong to one class");
      }
    }

    void envelopeObserved() {
      envelopeObserved = true;
    }

    void problem(String problem) {
      problems.add(problem);
    }

    List<String> problems() {
      return List.copyOf(problems);
    }

    MessageTypes build() {
      return new MessageTypes(classByType, envelopeObserved);
    }
  }
}
