package dev.outstore.examples.orders;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /api/orders?customer=alice&total=12.50} places an order; {@code GET /api/stats} shows
 * what happened to the orders and their messages.
 */
@ApplicationScoped
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

  /**
   * @param ordersPlaced rows in the orders table
   * @param outbox outbox entries by status (PENDING, DONE, DEAD)
   * @param deliveries messages {@link Shipping} received since the application started
   */
  public record Stats(long ordersPlaced, Map<String, Long> outbox, long deliveries) {}

  @Inject Orders orders;
  @Inject Shipping shipping;
  @PersistenceContext EntityManager em;

  @POST
  @Path("orders")
  public Response place(
      @QueryParam("customer") String customer, @QueryParam("total") BigDecimal total) {
    if (customer == null || customer.isBlank() || total == null || total.signum() <= 0) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity(Map.of("error", "give a customer and a positive total"))
          .build();
    }
    return Response.status(Response.Status.CREATED).entity(orders.place(customer, total)).build();
  }

  @GET
  @Path("stats")
  public Stats stats() {
    Map<String, Long> outbox = new TreeMap<>();
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery("select status, count(*) from outbox_entry group by status")
            .getResultList();
    for (Object[] row : rows) {
      outbox.put((String) row[0], ((Number) row[1]).longValue());
    }
    return new Stats(orders.count(), outbox, shipping.deliveries());
  }
}
