package dev.outstore.examples.orders;

import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;
import java.math.BigDecimal;

/**
 * The message an order owes the rest of the world, stored in the outbox as type {@code
 * order.placed} and delivered to {@link Shipping}.
 */
@OutboxType("order.placed")
public record OrderPlaced(long orderId, String customer, BigDecimal total)
    implements OutboxMessage {

  /**
   * The customer is the ordering key: one customer's orders reach the observers in the order they
   * were placed, while different customers' orders are delivered in parallel by the dispatcher's
   * workers. Keying by order id would allow full parallelism and promise no order at all.
   */
  @Override
  public String key() {
    return customer;
  }
}
