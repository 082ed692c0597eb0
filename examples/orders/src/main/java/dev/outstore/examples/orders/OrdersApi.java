package dev.outstore.examples.orders;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API of the demo under {@code /api}; see {@link OrderResource}. */
@ApplicationPath("/api")
public class OrdersApi extends Application {}
