package dev.outstore.examples.orders;

import dev.outstore.OutboxGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.util.logging.Logger;

/**
 * Places orders: the order row and its {@link OrderPlaced} message commit together or not at all.
 */
@ApplicationScoped
public class Orders {
  private static final Logger LOG = Logger.getLogger(Orders.class.getName());

  @PersistenceContext EntityManager em;
  @Inject OutboxGenerator outbox;

  /** Persists an order and writes its message to the outbox, in one JTA transaction. */
  @Transactional
  public Order place(String customer, BigDecimal total) {
    Order order = new Order(customer, total);
    em.persist(order);
    outbox.send(new OrderPlaced(order.getId(), customer, total));
    LOG.info(
        () -> "orders: placed order " + order.getId() + " for " + customer + " (" + total + ")");
    return order;
  }

  /** The number of orders placed so far. */
  public long count() {
    return em.createQuery("select count(o) from Order o", Long.class).getSingleResult();
  }
}
