package dev.outstore.internal;

import java.util.Optional;

/** The settings outstore ships with, for the benchmark, which runs with them unless told not to. */
public final class ShippedDefaults {
  private static final OutboxSettings DEFAULTS = OutboxSettings.read(name -> Optional.empty());

  private ShippedDefaults() {}

  public static int workers() {
    return DEFAULTS.workers();
  }

  public static int batchSize() {
    return DEFAULTS.batchSize();
  }

  public static long pollIntervalMillis() {
    return DEFAULTS.pollInterval().toMillis();
  }
}
