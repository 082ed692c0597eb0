package dev.outstore.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives business transactions through the servers' real generator. Entries are sent in rounds:
 * round s sends entry s of every key, spread over the servers in concurrent requests, and round s+1
 * starts only when round s has committed, so every key's entries have a defined order even though
 * consecutive ones are written by different servers.
 */
final class Workload {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .executor(Executors.newFixedThreadPool(8))
          .build();

  private final FaultCluster cluster;
  private final int keys;
  private final int perKey;
  private final int chunk;
  private final int perTx;

  /** Servers the driver leaves alone while a fault is injected into them. */
  final Set<Integer> avoid = ConcurrentHashMap.newKeySet();

  final AtomicLong failedRequests = new AtomicLong();
  private final CountDownLatch resumed = new CountDownLatch(1);
  private final AtomicInteger next = new AtomicInteger();

  Workload(FaultCluster cluster, int keys, int perKey, int perTx) {
    this.cluster = cluster;
    this.keys = keys;
    this.perKey = perKey;
    this.perTx = perTx;
    this.chunk = Math.max(perTx, keys / (cluster.size() * 2));
  }

  /** Sends {@code entries} entries of one key (prefix + "0"), before the main workload. */
  void sendKey(String prefix, int entries) {
    for (int seq = 1; seq <= entries; seq++) {
      send(prefix, seq, 0, 1);
    }
  }

  /**
   * Sends every round, pausing after {@code pauseAfter} of them until {@link #resume}, so that a
   * fault can be injected while most of the workload is still to come, however fast it drains.
   */
  void run(int pauseAfter) {
    for (int seq = 1; seq <= perKey; seq++) {
      if (seq == pauseAfter + 1) {
        try {
          resumed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      int round = seq;
      List<CompletableFuture<Void>> requests = new ArrayList<>();
      for (int from = 0; from < keys; from += chunk) {
        int start = from;
        int end = Math.min(keys, from + chunk);
        requests.add(CompletableFuture.runAsync(() -> send("key-", round, start, end)));
      }
      requests.forEach(CompletableFuture::join);
    }
  }

  void resume() {
    resumed.countDown();
  }

  /** Sends one chunk, moving to another server when one does not answer. */
  private void send(String prefix, int seq, int from, int to) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      int server = pickServer();
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            cluster.url(server)
                                + "/drive?prefix="
                                + prefix
                                + "&seq="
                                + seq
                                + "&from="
                                + from
                                + "&to="
                                + to
                                + "&perTx="
                                + perTx))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // the server is down or restarting: try another
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      failedRequests.incrementAndGet();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no server accepted round " + seq + " of " + prefix);
      }
      try {
        Thread.sleep(200); // back off before the next server; not a test wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private int pickServer() {
    for (int i = 0; i < cluster.size(); i++) {
      int server = Math.floorMod(next.getAndIncrement(), cluster.size());
      if (!avoid.contains(server)) {
        return server;
      }
    }
    return Math.floorMod(next.getAndIncrement(), cluster.size());
  }
}
