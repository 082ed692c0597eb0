package dev.outstore.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One dispatcher worker: runs rounds back to back while they find work, then waits for a wake-up or
 * the poll interval. It never holds an executor thread while waiting.
 *
 * <p>All state changes happen under the worker's monitor, so a wake-up that races with the end of a
 * run is never lost: it either cancels the scheduled poll and runs now, or makes the running loop
 * go round once more.
 */
final class DispatchWorker implements Runnable {
  private static final Logger LOG = Logger.getLogger(DispatchWorker.class.getName());

  /** One round of work; returns how many entries it claimed. */
  interface Round {
    int run() throws Exception;
  }

  private final String name;
  private final Round round;
  private final ScheduledExecutorService executor;
  private final long pollMillis;
  private final Runnable onFullRound;

  private ScheduledFuture<?> next;
  private boolean running;
  private boolean rerun;
  private boolean stopped;
  private boolean failing;

  /**
   * @param onFullRound called after a round that found work, to bring in an idle peer
   */
  DispatchWorker(
      String name,
      Round round,
      ScheduledExecutorService executor,
      Duration pollInterval,
      Runnable onFullRound) {
    this.name = name;
    this.round = round;
    this.executor = executor;
    this.pollMillis = pollInterval.toMillis();
    this.onFullRound = onFullRound;
  }

  synchronized void start() {
    next = executor.schedule(this, 0, TimeUnit.MILLISECONDS);
  }

  /**
   * Makes the worker look for work now.
   *
   * @return false if it was already running (it will go round once more) or stopped
   */
  synchronized boolean wake() {
    if (stopped) {
      return false;
    }
    rerun = true;
    if (running) {
      return false;
    }
    if (next != null && next.cancel(false)) {
      next = executor.schedule(this, 0, TimeUnit.MILLISECONDS);
    }
    return true;
  }

  synchronized boolean isIdle() {
    return !running && !stopped;
  }

  @Override
  public void run() {
    synchronized (this) {
      if (stopped || running) {
        return;
      }
      running = true;
      rerun = false;
    }
    try {
      boolean again = true;
      while (again) {
        int claimed = runRound();
        if (claimed > 0) {
          onFullRound.run();
        }
        again = (claimed > 0 && !isStopped()) || takeRerun();
      }
    } finally {
      synchronized (this) {
        running = false;
        if (!stopped) {
          next = executor.schedule(this, pollMillis, TimeUnit.MILLISECONDS);
        }
        notifyAll();
      }
    }
  }

  private int runRound() {
    try {
      int claimed = round.run();
      if (failing) {
        LOG.info("outstore: " + name + " is delivering again");
        failing = false;
      }
      return claimed;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // Log the first failure of a streak in full; repeating it every poll helps nobody.
      if (!failing) {
        LOG.log(Level.WARNING, "outstore: " + name + " cannot claim entries, will poll again", e);
        failing = true;
      } else {
        LOG.log(Level.FINE, "outstore: " + name + " still cannot claim entries", e);
      }
      return 0;
    }
  }

  private synchronized boolean isStopped() {
    return stopped;
  }

  private synchronized boolean takeRerun() {
    if (stopped) {
      return false;
    }
    boolean take = rerun;
    rerun = false;
    return take;
  }

  /** Stops scheduling and waits up to {@code timeout} for a running round to finish. */
  synchronized boolean stop(Duration timeout) throws InterruptedException {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
