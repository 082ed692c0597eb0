package dev.outstore.bench;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The no-op observer, plus a gate that holds the dispatcher while a backlog is written.
 *
 * <p>Closing the gate makes the next delivery wait in this observer: each worker then holds the
 * transaction of the batch it claimed, and claims nothing more, until the gate opens. That pauses
 * the dispatcher without any hook in outstore. The entries those batches claimed (at most workers ×
 * batch size) were claimed before the clock starts; the drain figure counts them as drained after
 * it.
 */
@ApplicationScoped
public class BenchObserver {
  private final LongAdder delivered = new LongAdder();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile long openedAt = System.nanoTime();

  /* Delivery times of a latency run, indexed by n - base; 0 = not yet delivered. */
  private volatile AtomicLongArray deliveredAt;
  private volatile long base;

  void on(@Observes BenchEvent event) throws InterruptedException {
    CountDownLatch closed = gate;
    if (closed.getCount() > 0) {
      closed.await();
    }
    AtomicLongArray times = deliveredAt;
    if (times != null) {
      long i = event.n() - base;
      if (i >= 0 && i < times.length()) {
        times.compareAndSet((int) i, 0, System.nanoTime());
      }
    }
    delivered.increment();
  }

  /** Deliveries so far (including those of rolled-back transactions, which the bench has none). */
  public long delivered() {
    return delivered.sum();
  }

  public synchronized void close() {
    if (gate.getCount() == 0) {
      gate = new CountDownLatch(1);
    }
  }

  /** Opens the gate and returns the moment it opened. */
  public synchronized long open() {
    openedAt = System.nanoTime();
    gate.countDown();
    return openedAt;
  }

  public long openedAt() {
    return openedAt;
  }

  /** Starts recording the delivery times of messages base .. base + count - 1. */
  public void track(long base, int count) {
    this.base = base;
    this.deliveredAt = new AtomicLongArray(count);
  }

  /** The delivery times recorded so far, still recording. */
  public AtomicLongArray peek() {
    return deliveredAt;
  }

  /** The delivery times recorded since {@link #track}; stops recording. */
  public AtomicLongArray untrack() {
    AtomicLongArray times = deliveredAt;
    deliveredAt = null;
    return times;
  }
}
