package dev.outstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageTypesTest {

  @OutboxType("order.placed")
  record OrderPlaced(String key) implements OutboxMessage {}

  @OutboxType("order.placed")
  record OrderPlacedAgain(String key) implements OutboxMessage {}

  record Unnamed(String key) implements OutboxMessage {}

  @OutboxType(" ")
  record Blank(String key) implements OutboxMessage {}

  interface SomeMessages extends OutboxMessage {}

  @Test
  void mapsTypeToClassAndBack() {
    MessageTypes.Builder b = new MessageTypes.Builder();
    b.observed(OrderPlaced.class, "Shipping");
    b.observed(OrderPlaced.class, "Billing");
    MessageTypes types = b.build();
    assertEquals(List.of(), b.problems());
    assertEquals(Optional.of(OrderPlaced.class), types.classOf("order.placed"));
    assertEquals(Optional.of("order.placed"), types.typeOf(OrderPlaced.class));
    assertEquals(Optional.empty(), types.classOf("order.cancelled"));
    assertEquals(1, types.size());
    assertEquals(false, types.envelopeObserved());
  }

  @Test
  void twoClassesClaimingOneTypeIsAProblemNamingBoth() {
    MessageTypes.Builder b = new MessageTypes.Builder();
    b.observed(OrderPlaced.class, "Shipping");
    b.observed(OrderPlacedAgain.class, "Billing");
    String problem = String.join("\n", b.problems());
    assertTrue(problem.contains("\"order.placed\" is claimed by both"), problem);
    assertTrue(problem.contains(OrderPlaced.class.getName()), problem);
    assertTrue(problem.contains(OrderPlacedAgain.class.getName()), problem);
  }

  @Test
  void anObservedClassWithoutOrWithABlankTypeIsAProblem() {
    MessageTypes.Builder b = new MessageTypes.Builder();
    b.observed(Unnamed.class, "an observer method of Shipping");
    b.observed(Blank.class, "Billing");
    assertEquals(2, b.problems().size());
    assertTrue(
        b.problems()
            .get(0)
            .contains(Unnamed.class.getName() + " is observed by an observer method of Shipping"));
    assertTrue(b.problems().get(1).contains("must be non-blank"));
  }

  @Test
  void observersOfSupertypesRegisterNothing() {
    MessageTypes.Builder b = new MessageTypes.Builder();
    b.observed(SomeMessages.class, "Audit");
    assertEquals(List.of(), b.problems());
    assertEquals(0, b.build().size());
  }

  @Test
  void theDefaultTypeIsTheAnnotationValue() {
    assertEquals("order.placed", new OrderPlaced("o-1").type());
  }
}
