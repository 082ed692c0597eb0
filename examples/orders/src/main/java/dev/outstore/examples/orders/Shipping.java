package dev.outstore.examples.orders;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Receives every {@link OrderPlaced} after its order committed, inside the dispatcher's JTA
 * transaction: if this method threw, the transaction would roll back and the message be retried.
 */
@ApplicationScoped
public class Shipping {
  private static final Logger LOG = Logger.getLogger(Shipping.class.getName());

  private final AtomicLong deliveries = new AtomicLong();
  private final Map<String, Long> lastOrderByCustomer = new ConcurrentHashMap<>();

  void on(@Observes OrderPlaced order) {
    deliveries.incrementAndGet();
    LOG.info(
        () ->
            "shipping: order "
                + order.orderId()
                + " for "
                + order.customer()
                + " ("
                + order.total()
                + ") received");
    // The key is the customer, so one customer's orders must arrive in the order they were placed.
    Long previous = lastOrderByCustomer.put(order.customer(), order.orderId());
    if (previous != null && previous > order.orderId()) {
      LOG.warning(
          "shipping: order "
              + order.orderId()
              + " arrived after order "
              + previous
              + " of its key");
    }
  }

  /** How many messages this observer has received since the application started. */
  public long deliveries() {
    return deliveries.get();
  }
}
