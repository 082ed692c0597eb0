package dev.outstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The text a failed attempt leaves in {@code last_error}. */
class FailureDescriptionTest {

  @Test
  void namesEachCauseWithItsMessage() {
    Exception failure =
        new IllegalStateException("outer", new IllegalArgumentException("inner", null));
    assertEquals(
        "java.lang.IllegalStateException: outer; caused by java.lang.IllegalArgumentException:"
            + " inner",
        BatchDelivery.describe(failure));
  }

  @Test
  void aNulCharacterIsReplacedSincePostgresqlTextCannotHoldIt() {
    String text = BatchDelivery.describe(new IllegalStateException("bad\0byte"));
    assertFalse(text.contains("\0"), text);
    assertEquals("java.lang.IllegalStateException: bad\uFFFDbyte", text);
  }

  @Test
  void isCutAtFourThousandCharacters() {
    assertEquals(
        4000, BatchDelivery.describe(new IllegalStateException("x".repeat(10_000))).length());
  }
}
