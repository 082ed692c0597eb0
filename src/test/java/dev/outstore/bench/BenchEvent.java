package dev.outstore.bench;

import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;

/**
 * The benchmark's message: about 1 KiB of JSON.
 *
 * @param key ordering key, one of {@link #KEYS}
 * @param n the message's number in its run, used to match a send with its delivery
 * @param data filler that brings the JSON to about 1 KiB
 */
@OutboxType("bench.event")
public record BenchEvent(String key, long n, String data) implements OutboxMessage {
  /** Distinct keys messages are spread over. */
  public static final int KEYS = 1000;

  /** Filler text that makes the JSON of a message about 1,024 bytes. */
  public static final String DATA = filler(980);

  /** The n-th message of a run. */
  public static BenchEvent of(long n) {
    return new BenchEvent(keyOf(n), n, DATA);
  }

  /** The key of the n-th message (shared with the SQL-inserted rows of the baselines). */
  public static String keyOf(long n) {
    return "k" + (n % KEYS);
  }

  private static String filler(int length) {
    String words = "order placed customer shipped invoice paid total currency line item ";
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      text.append(words);
    }
    return text.substring(0, length);
  }
}
