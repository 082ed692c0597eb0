package dev.outstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Backoff backoff(double jitter, double random) {
    return new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), jitter, () -> random);
  }

  @Test
  void theCeilingDoublesFromTheInitialDelayUpToTheMaximum() {
    Backoff b = backoff(0, 0);
    assertEquals(Duration.ofSeconds(1), b.ceiling(1));
    assertEquals(Duration.ofSeconds(2), b.ceiling(2));
    assertEquals(Duration.ofSeconds(32), b.ceiling(6));
    assertEquals(Duration.ofMinutes(1), b.ceiling(7));
    assertEquals(Duration.ofMinutes(1), b.ceiling(1_000));
  }

  @Test
  void withoutJitterTheDelayIsTheCeiling() {
    assertEquals(Duration.ofSeconds(4), backoff(0, 0.7).delay(3));
  }

  @Test
  void jitterTakesUpToItsFractionOffTheCeiling() {
    assertEquals(Duration.ofSeconds(4), backoff(0.5, 0).delay(3));
    assertEquals(Duration.ofSeconds(3), backoff(0.5, 0.5).delay(3));
    assertEquals(Duration.ofMillis(2002), backoff(0.5, 0.999).delay(3));
    assertEquals(Duration.ofSeconds(2), backoff(0.5, 0.3).floor(3));
  }

  @Test
  void aHugeInitialDelayIsCappedWithoutOverflow() {
    Backoff b = new Backoff(Duration.ofDays(1), Duration.ofDays(7), 0, () -> 0);
    assertEquals(Duration.ofDays(7), b.ceiling(63));
  }
}
