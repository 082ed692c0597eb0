package dev.outstore.internal;

import dev.outstore.OutboxConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * outstore's configuration, read once from MicroProfile Config at deployment and validated there.
 *
 * @param enabled whether this deployment runs a dispatcher (sending works either way)
 * @param batchSize entries claimed per transaction
 * @param pollInterval how long an idle worker waits before looking again
 * @param workers dispatcher workers in this server
 * @param maxAttempts delivery attempts before an entry becomes DEAD
 * @param backoffInitial delay before the first retry
 * @param backoffMax the longest delay between retries
 * @param backoffJitter the fraction of each delay that is randomized, 0 to 1
 * @param executor JNDI name of the ManagedScheduledExecutorService the workers run on
 * @param transactionTimeout the JTA timeout of a delivery transaction
 * @param shutdownTimeout how long undeploy waits for running deliveries to finish
 */
record OutboxSettings(
    boolean enabled,
    int batchSize,
    Duration pollInterval,
    int workers,
    int maxAttempts,
    Duration backoffInitial,
    Duration backoffMax,
    double backoffJitter,
    String executor,
    Duration transactionTimeout,
    Duration shutdownTimeout) {

  static final String PREFIX = "outstore.";
  static final String DEFAULT_EXECUTOR = "java:comp/DefaultManagedScheduledExecutorService";

  private static final Pattern SIMPLE_DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  /**
   * Reads and validates every setting; the exception lists each bad property with its value.
   *
   * @param source the raw value of a full property name, if set
   */
  static OutboxSettings read(Function<String, Optional<String>> source) {
    Reader r = new Reader(source);
    boolean enabled = r.bool("enabled", true);
    int batchSize = r.integer("batch-size", 100, 1, 10_000);
    Duration poll = r.duration("poll-interval", "1s", Duration.ofMillis(10), Duration.ofHours(1));
    int workers = r.integer("workers", 5, 1, 64);
    int maxAttempts = r.integer("max-attempts", 10, 1, 1_000);
    Duration initial =
        r.duration("backoff.initial", "1s", Duration.ofMillis(1), Duration.ofDays(1));
    Duration max = r.duration("backoff.max", "10m", Duration.ofMillis(1), Duration.ofDays(7));
    double jitter = r.fraction("backoff.jitter", 0.5);
    String executor = r.text("executor", DEFAULT_EXECUTOR);
    Duration txTimeout =
        r.duration("transaction-timeout", "60s", Duration.ofSeconds(1), Duration.ofHours(1));
    Duration shutdown =
        r.duration("shutdown-timeout", "10s", Duration.ZERO, Duration.ofMinutes(10));
    if (initial != null && max != null && initial.compareTo(max) > 0) {
      r.problem(
          "backoff.initial",
          r.raw("backoff.initial").orElse(""),
          "must not exceed outstore.backoff.max (" + r.raw("backoff.max").orElse("10m") + ")");
    }
    r.throwIfInvalid();
    return new OutboxSettings(
        enabled,
        batchSize,
        poll,
        workers,
        maxAttempts,
        initial,
        max,
        jitter,
        executor,
        txTimeout,
        shutdown);
  }

  /**
   * Parses "250ms", "5s", "2m", "1h" or an ISO-8601 duration such as "PT0.5S".
   *
   * @throws IllegalArgumentException if the text is neither
   */
  static Duration parseDuration(String text) {
    String t = text.trim();
    Matcher m = SIMPLE_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a duration (use 250ms, 5s, 2m, 1h or PT0.5S)", e);
    }
  }

  /** Collects the problems of all properties so one deployment attempt reports them all. */
  private static final class Reader {
    private final Function<String, Optional<String>> source;
    private final List<String> problems = new ArrayList<>();

    Reader(Function<String, Optional<String>> source) {
      this.source = source;
    }

    Optional<String> raw(String name) {
      return source.apply(PREFIX + name).map(String::trim);
    }

    void problem(String name, String value, String why) {
      problems.add(PREFIX + name + "=" + value + ": " + why);
    }

    void throwIfInvalid() {
      if (!problems.isEmpty()) {
        throw new OutboxConfigurationException(
            "Invalid outstore configuration:\n  " + String.join("\n  ", problems));
      }
    }

    boolean bool(String name, boolean dflt) {
      Optional<String> v = raw(name);
      if (v.isEmpty()) {
        return dflt;
      }
      if (v.get().equalsIgnoreCase("true") || v.get().equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(v.get());
      }
      problem(name, v.get(), "must be true or false");
      return dflt;
    }

    int integer(String name, int dflt, int min, int max) {
      Optional<String> v = raw(name);
      if (v.isEmpty()) {
        return dflt;
      }
      try {
        int n = Integer.parseInt(v.get());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below with the range
      }
      problem(name, v.get(), "must be an integer from " + min + " to " + max);
      return dflt;
    }

    double fraction(String name, double dflt) {
      Optional<String> v = raw(name);
      if (v.isEmpty()) {
        return dflt;
      }
      try {
        double d = Double.parseDouble(v.get());
        if (d >= 0 && d <= 1) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below with the range
      }
      problem(name, v.get(), "must be a number from 0 to 1");
      return dflt;
    }

    Duration duration(String name, String dflt, Duration min, Duration max) {
      String text = raw(name).orElse(dflt);
      try {
        Duration d = parseDuration(text);
        if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
          return d;
        }
        problem(name, text, "must be from " + min + " to " + max);
      } catch (IllegalArgumentException e) {
        problem(name, text, e.getMessage());
      }
      return null;
    }

    String text(String name, String dflt) {
      Optional<String> v = raw(name);
      if (v.isPresent() && v.get().isEmpty()) {
        problem(name, "", "must not be empty");
      }
      return v.filter(s -> !s.isEmpty()).orElse(dflt);
    }
  }
}
