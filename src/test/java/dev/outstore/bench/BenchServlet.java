package dev.outstore.bench;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's side inside Liberty, driven over HTTP by {@link OutstoreBench}: {@code GET
 * /bench/<op>?...}. Every answer is {@code name=value} lines.
 */
@WebServlet("/bench/*")
public class BenchServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final double MAX_TX_PER_S = 400;

  @Inject transient BenchWork work;
  @Inject transient BenchObserver observer;

  @Resource(lookup = "jdbc/outstore")
  transient DataSource dataSource;

  /*
   * Producers run on threads of their own: on the default managed executor, long-running producer
   * tasks took the pool threads that outstore's workers are scheduled on (Liberty grows that pool
   * slowly), which starved the dispatcher and measured the pool, not outstore.
   */
  @Resource transient ManagedThreadFactory threads;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      switch (request.getPathInfo()) {
        case "/insert" -> insert(request, result);
        case "/close" -> observer.close();
        case "/open" -> observer.open();
        case "/delivered" -> result.put("delivered", observer.delivered());
        case "/await" -> await(request, result);
        case "/latency" -> latency(request, result);
        case "/write" -> write(request, result);
        default -> throw new IllegalArgumentException("no such operation " + request.getPathInfo());
      }
    } catch (Exception e) {
      throw new IOException(e);
    }
    StringBuilder text = new StringBuilder();
    result.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    response.setContentType("text/plain");
    response.getWriter().print(text);
  }

  /** Runs a task on a new managed thread (with the application's context). */
  private Future<?> start(Callable<?> task) {
    FutureTask<?> future = new FutureTask<>(task);
    threads.newThread(future).start();
    return future;
  }

  private static long param(HttpServletRequest request, String name) {
    return Long.parseLong(request.getParameter(name));
  }

  /** Sends messages from .. from + count - 1 through the generator, perTx per transaction. */
  private void insert(HttpServletRequest request, Map<String, Object> result) throws Exception {
    long from = param(request, "from");
    long count = param(request, "count");
    int perTx = (int) param(request, "perTx");
    int threads = (int) param(request, "threads");
    long start = System.nanoTime();
    List<Future<?>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      parts.add(
          start(
              () -> {
                // chunks of perTx, dealt round-robin to the threads
                for (long c = from + (long) thread * perTx;
                    c < from + count;
                    c += (long) threads * perTx) {
                  work.sendRange(c, Math.min(c + perTx, from + count));
                }
                return null;
              }));
    }
    for (Future<?> part : parts) {
      part.get();
    }
    result.put("insert_ms", (System.nanoTime() - start) / 1e6);
  }

  /**
   * Waits until the observer saw {@code delivered} deliveries and no entry is PENDING; answers the
   * time since the gate opened.
   */
  private void await(HttpServletRequest request, Map<String, Object> result) throws Exception {
    long delivered = param(request, "delivered");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(param(request, "timeoutS"));
    // the observer's count is free to read; the database is asked only once it is reached
    while (observer.delivered() < delivered) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + observer.delivered() + " of " + delivered);
      }
      LockSupport.parkNanos(200_000);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("select 1 from outbox_entry where status = 'PENDING' limit 1")) {
      while (true) {
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("entries still pending");
        }
        LockSupport.parkNanos(500_000);
      }
    }
    result.put("drain_ns", System.nanoTime() - observer.openedAt());
    result.put("delivered", observer.delivered());
  }

  /**
   * An open-loop producer: message i of the run commits at t0 + i / rate, whatever happened to the
   * others (several threads, so a slow commit does not delay the schedule); latency is the time
   * from the return of the business commit to the observer's call.
   */
  private void latency(HttpServletRequest request, Map<String, Object> result) throws Exception {
    double rate = Double.parseDouble(request.getParameter("rate"));
    int count = (int) Math.round(rate * Double.parseDouble(request.getParameter("seconds")));
    long base = param(request, "base");
    // messages per business transaction: more than one only where one per transaction would
    // need more transactions per second than Liberty and PostgreSQL manage on this machine
    int perTx = (int) Math.max(1, Math.ceil(rate / MAX_TX_PER_S));
    int transactions = (count + perTx - 1) / perTx;
    double txRate = rate / perTx;
    int threads = (int) Math.max(2, Math.min(16, Math.ceil(txRate / 100)));
    long[] committedAt = new long[count];
    long[] lateness = new long[threads];
    observer.track(base, count);
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    double interval = 1e9 / txRate;
    List<Future<?>> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      producers.add(
          start(
              () -> {
                for (int tx = thread; tx < transactions; tx += threads) {
                  long due = t0 + (long) (tx * interval);
                  long wait;
                  while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  lateness[thread] = Math.max(lateness[thread], -wait);
                  int first = tx * perTx;
                  int last = Math.min(first + perTx, count);
                  long at = work.order(base + first, last - first);
                  for (int i = first; i < last; i++) {
                    committedAt[i] = at;
                  }
                }
                return null;
              }));
    }
    for (Future<?> producer : producers) {
      producer.get(); // also publishes committedAt
    }
    long lastCommit = 0;
    for (long at : committedAt) {
      lastCommit = Math.max(lastCommit, at);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    AtomicLongArray deliveredAt;
    while (true) {
      boolean all = true;
      // a view, not the final array: untrack only once everything arrived
      AtomicLongArray times = observer.peek();
      for (int i = 0; i < count && all; i++) {
        all = times.get(i) != 0;
      }
      if (all) {
        deliveredAt = observer.untrack();
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("latency run: not every message was delivered in 120 s");
      }
      Thread.sleep(20);
    }
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    int early = 0;
    for (int i = 0; i < count; i++) {
      long latency = deliveredAt.get(i) - committedAt[i];
      if (latency < 0) {
        early++; // delivered before commit() returned to the producer: the wake-up is that fast
        latency = 0;
      }
      histogram.recordValue(latency);
    }
    long maxLate = 0;
    for (long late : lateness) {
      maxLate = Math.max(maxLate, late);
    }
    result.put("count", count);
    result.put("messages_per_transaction", perTx);
    result.put("producer_threads", threads);
    result.put("achieved_rate", count / ((lastCommit - t0) / 1e9));
    result.put("max_schedule_lag_ms", maxLate / 1e6);
    result.put("delivered_before_commit_returned", early);
    result.put("p50", histogram.getValueAtPercentile(50) / 1e6);
    result.put("p95", histogram.getValueAtPercentile(95) / 1e6);
    result.put("p99", histogram.getValueAtPercentile(99) / 1e6);
    result.put("max", histogram.getMaxValue() / 1e6);
    result.put("mean", histogram.getMean() / 1e6);
  }

  /**
   * Business transactions inserting one row, alternately without and with one send, one at a time;
   * the first tenth of each is warm-up and not recorded.
   */
  private void write(HttpServletRequest request, Map<String, Object> result) throws Exception {
    int iterations = (int) param(request, "iterations");
    long base = param(request, "base");
    Histogram without = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    Histogram with = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    int warmup = iterations / 10;
    for (int i = -warmup; i < iterations; i++) {
      long n = base + i + warmup;
      // alternate the order, so neither kind always follows the other
      boolean withFirst = (i & 1) == 1;
      for (int k = 0; k < 2; k++) {
        boolean send = withFirst == (k == 0);
        long start = System.nanoTime();
        long end = work.order(send ? n : -1);
        if (i >= 0) {
          (send ? with : without).recordValue(end - start);
        }
      }
    }
    result.put("sent", iterations + warmup);
    result.put("without_p50", without.getValueAtPercentile(50) / 1e6);
    result.put("without_p99", without.getValueAtPercentile(99) / 1e6);
    result.put("without_mean", without.getMean() / 1e6);
    result.put("with_p50", with.getValueAtPercentile(50) / 1e6);
    result.put("with_p99", with.getValueAtPercentile(99) / 1e6);
    result.put("with_mean", with.getMean() / 1e6);
  }
}
