package dev.outstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.OutboxConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutboxSettingsTest {

  private static OutboxSettings read(Map<String, String> values) {
    return OutboxSettings.read(name -> Optional.ofNullable(values.get(name)));
  }

  @Test
  void defaultsWhenNothingIsSet() {
    OutboxSettings s = read(Map.of());
    assertEquals(true, s.enabled());
    assertEquals(100, s.batchSize());
    assertEquals(Duration.ofSeconds(1), s.pollInterval());
    assertEquals(5, s.workers());
    assertEquals(10, s.maxAttempts());
    assertEquals(Duration.ofSeconds(1), s.backoffInitial());
    assertEquals(Duration.ofMinutes(10), s.backoffMax());
    assertEquals(0.5, s.backoffJitter());
    assertEquals("java:comp/DefaultManagedScheduledExecutorService", s.executor());
    assertEquals(Duration.ofSeconds(60), s.transactionTimeout());
    assertEquals(Duration.ofSeconds(10), s.shutdownTimeout());
  }

  @Test
  void readsEverySetting() {
    OutboxSettings s =
        read(
            Map.ofEntries(
                Map.entry("outstore.enabled", "false"),
                Map.entry("outstore.batch-size", "250"),
                Map.entry("outstore.poll-interval", "250ms"),
                Map.entry("outstore.workers", "8"),
                Map.entry("outstore.max-attempts", "3"),
                Map.entry("outstore.backoff.initial", "PT0.5S"),
                Map.entry("outstore.backoff.max", "2m"),
                Map.entry("outstore.backoff.jitter", "0"),
                Map.entry("outstore.executor", "java:comp/env/concurrent/outbox"),
                Map.entry("outstore.transaction-timeout", "2m"),
                Map.entry("outstore.shutdown-timeout", "0s")));
    assertEquals(
        new OutboxSettings(
            false,
            250,
            Duration.ofMillis(250),
            8,
            3,
            Duration.ofMillis(500),
            Duration.ofMinutes(2),
            0,
            "java:comp/env/concurrent/outbox",
            Duration.ofMinutes(2),
            Duration.ZERO),
        s);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "outstore.batch-size|0|must be an integer from 1 to 10000",
        "outstore.batch-size|lots|must be an integer from 1 to 10000",
        "outstore.workers|65|must be an integer from 1 to 64",
        "outstore.max-attempts|-1|must be an integer from 1 to 1000",
        "outstore.poll-interval|soon|not a duration",
        "outstore.poll-interval|1ms|must be from PT0.01S to PT1H",
        "outstore.backoff.jitter|1.5|must be a number from 0 to 1",
        "outstore.enabled|yes|must be true or false",
        "outstore.transaction-timeout|0s|must be from PT1S to PT1H",
      })
  void aBadValueIsReportedWithItsPropertyAndValue(String property, String value, String why) {
    OutboxConfigurationException e =
        assertThrows(OutboxConfigurationException.class, () -> read(Map.of(property, value)));
    assertTrue(e.getMessage().contains(property + "=" + value + ": " + why), e.getMessage());
  }

  @Test
  void everyBadValueIsReportedAtOnce() {
    OutboxConfigurationException e =
        assertThrows(
            OutboxConfigurationException.class,
            () -> read(Map.of("outstore.batch-size", "0", "outstore.workers", "0")));
    assertTrue(e.getMessage().contains("outstore.batch-size=0"), e.getMessage());
    assertTrue(e.getMessage().contains("outstore.workers=0"), e.getMessage());
  }

  @Test
  void initialBackoffMayNotExceedTheMaximum() {
    OutboxConfigurationException e =
        assertThrows(
            OutboxConfigurationException.class,
            () -> read(Map.of("outstore.backoff.initial", "5m", "outstore.backoff.max", "1m")));
    assertTrue(
        e.getMessage()
            .contains("outstore.backoff.initial=5m: must not exceed outstore.backoff.max"),
        e.getMessage());
  }

  @Test
  void durationsInShortAndIsoForm() {
    assertEquals(Duration.ofMillis(250), OutboxSettings.parseDuration("250ms"));
    assertEquals(Duration.ofSeconds(5), OutboxSettings.parseDuration(" 5s "));
    assertEquals(Duration.ofMinutes(2), OutboxSettings.parseDuration("2M"));
    assertEquals(Duration.ofHours(1), OutboxSettings.parseDuration("1h"));
    assertEquals(Duration.ofMillis(1500), OutboxSettings.parseDuration("PT1.5S"));
    assertThrows(IllegalArgumentException.class, () -> OutboxSettings.parseDuration("5 seconds"));
  }
}
