package dev.outstore.internal;

import dev.outstore.OutboxConfigurationException;
import dev.outstore.OutboxEnvelope;
import dev.outstore.OutboxMessage;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ObserverMethod;
import jakarta.enterprise.inject.spi.ProcessObserverMethod;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Learns at deployment which message classes the application observes, reads the configuration, and
 * fails the deployment with every problem named if either is invalid.
 *
 * <p>Public only because CDI loads extensions through {@link java.util.ServiceLoader}; not API.
 */
public class OutboxExtension implements Extension {
  private final MessageTypes.Builder types = new MessageTypes.Builder();
  private volatile MessageTypes messageTypes;
  private volatile OutboxSettings settings;
  private volatile ManagedScheduledExecutorService executor;

  void observer(@Observes ProcessObserverMethod<?, ?> event) {
    ObserverMethod<?> method = event.getObserverMethod();
    Type observed = method.getObservedType();
    if (!(observed instanceof Class<?> cls)) {
      return;
    }
    boolean envelope = cls == OutboxEnvelope.class;
    boolean message = OutboxMessage.class.isAssignableFrom(cls);
    if (!envelope && !message) {
      return;
    }
    String where = describe(method);
    if (method.isAsync()) {
      // fireAsync would run it outside the delivery transaction, and fire() never calls it
      types.problem(
          where
              + " observes "
              + cls.getName()
              + " with @ObservesAsync; outstore delivers inside the dispatcher's transaction, so"
              + " use @Observes");
      return;
    }
    if (envelope) {
      types.envelopeObserved();
    } else {
      types.observed(cls.asSubclass(OutboxMessage.class), where);
    }
  }

  void validate(@Observes AfterDeploymentValidation event) {
    List<String> problems = new ArrayList<>(types.problems());
    try {
      Config config = ConfigProvider.getConfig();
      settings = OutboxSettings.read(name -> config.getOptionalValue(name, String.class));
      if (settings.enabled()) {
        executor = lookupExecutor(settings.executor());
      }
    } catch (OutboxConfigurationException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      event.addDeploymentProblem(
          new OutboxConfigurationException("outstore: " + String.join("\n", problems)));
      return;
    }
    messageTypes = types.build();
  }

  MessageTypes messageTypes() {
    return messageTypes;
  }

  OutboxSettings settings() {
    return settings;
  }

  /** The executor the workers run on; null when the dispatcher is disabled. */
  ManagedScheduledExecutorService executor() {
    return executor;
  }

  private static ManagedScheduledExecutorService lookupExecutor(String jndiName) {
    try {
      return InitialContext.doLookup(jndiName);
    } catch (NamingException | ClassCastException e) {
      throw new OutboxConfigurationException(
          "outstore.executor="
              + jndiName
              + ": not a ManagedScheduledExecutorService in JNDI ("
              + e
              + ")");
    }
  }

  private static String describe(ObserverMethod<?> method) {
    return "an observer method of " + method.getBeanClass().getName();
  }
}
