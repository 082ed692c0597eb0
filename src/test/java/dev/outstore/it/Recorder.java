package dev.outstore.it;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test observer was told to do and what it saw. Invocations are recorded whether the
 * delivery transaction then commits or not; the ledger table holds what committed.
 */
@ApplicationScoped
public class Recorder {
  /** One call of the observer. */
  public record Invocation(Ping ping, int attempt, long atNanos) {}

  private final Queue<Invocation> invocations = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> attemptsBySend = new ConcurrentHashMap<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  /** The observer throws for the first {@code times} attempts of entry {@code seq} of a key. */
  public void failTimes(String key, int seq, int times) {
    failures.put(key + "#" + seq, times);
  }

  public void reset() {
    invocations.clear();
    attemptsBySend.clear();
    failures.clear();
  }

  /** Records an invocation and returns its attempt number for this (key, seq). */
  int invoked(Ping ping) {
    int attempt =
        attemptsBySend.computeIfAbsent(id(ping), k -> new AtomicInteger()).incrementAndGet();
    invocations.add(new Invocation(ping, attempt, System.nanoTime()));
    return attempt;
  }

  boolean shouldFail(Ping ping, int attempt) {
    return attempt <= failures.getOrDefault(id(ping), 0);
  }

  public List<Invocation> invocations() {
    return new ArrayList<>(invocations);
  }

  public List<Invocation> invocationsOf(String key) {
    return invocations().stream().filter(i -> i.ping().key().equals(key)).toList();
  }

  private static String id(Ping ping) {
    return ping.key() + "#" + ping.seq();
  }
}
