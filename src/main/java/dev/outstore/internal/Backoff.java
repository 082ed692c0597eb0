package dev.outstore.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the delay before retry n (n = 1 after the first failure) is
 * {@code min(max, initial * 2^(n-1))}, of which the fraction {@code jitter} is randomized
 * downwards, so retries of entries that failed together spread out instead of returning in step.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final double jitter;
  private final DoubleSupplier random;

  /**
   * @param random a source of numbers in [0, 1)
   */
  Backoff(Duration initial, Duration max, double jitter, DoubleSupplier random) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.jitter = jitter;
    this.random = random;
  }

  /** The delay's upper bound for the given number of failed attempts (1 or more). */
  Duration ceiling(int failedAttempts) {
    int doublings = Math.min(Math.max(failedAttempts - 1, 0), 62);
    long base = initialMillis > (maxMillis >> doublings) ? maxMillis : initialMillis << doublings;
    return Duration.ofMillis(Math.min(base, maxMillis));
  }

  /** The delay's lower bound: the ceiling less its jittered fraction. */
  Duration floor(int failedAttempts) {
    long ceiling = ceiling(failedAttempts).toMillis();
    return Duration.ofMillis(ceiling - (long) (ceiling * jitter));
  }

  /** A delay between {@link #floor} and {@link #ceiling}. */
  Duration delay(int failedAttempts) {
    long ceiling = ceiling(failedAttempts).toMillis();
    return Duration.ofMillis(ceiling - (long) (ceiling * jitter * random.getAsDouble()));
  }
}
