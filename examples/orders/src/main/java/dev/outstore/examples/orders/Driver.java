package dev.outstore.examples.orders;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Places an order for a random customer every {@code demo.driver.period-ms} so messages flow
 * without a client. Turn it off with {@code demo.driver.enabled=false}.
 */
@ApplicationScoped
public class Driver {
  private static final Logger LOG = Logger.getLogger(Driver.class.getName());
  private static final List<String> CUSTOMERS = List.of("alice", "bob", "carol");

  @Inject Orders orders;

  @Inject
  @ConfigProperty(name = "demo.driver.enabled", defaultValue = "true")
  boolean enabled;

  @Inject
  @ConfigProperty(name = "demo.driver.period-ms", defaultValue = "2000")
  long periodMs;

  @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
  ManagedScheduledExecutorService executor;

  private ScheduledFuture<?> task;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    if (!enabled) {
      LOG.info("driver: disabled by demo.driver.enabled=false; place orders with the REST API");
      return;
    }
    task = executor.scheduleAtFixedRate(this::placeOne, periodMs, periodMs, TimeUnit.MILLISECONDS);
    LOG.info("driver: placing an order every " + periodMs + " ms");
  }

  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
    if (task != null) {
      task.cancel(false);
      LOG.info("driver: stopped");
    }
  }

  private void placeOne() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String customer = CUSTOMERS.get(random.nextInt(CUSTOMERS.size()));
    BigDecimal total = BigDecimal.valueOf(random.nextInt(500, 10_000), 2);
    try {
      orders.place(customer, total);
    } catch (RuntimeException e) {
      // an exception would end the periodic task; log it and try again next time
      LOG.log(Level.WARNING, "driver: placing an order failed", e);
    }
  }
}
