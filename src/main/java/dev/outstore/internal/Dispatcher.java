package dev.outstore.internal;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * gooutstore's Dispatcher: starts the workers when the application starts, stops them when it
 * stops, and wakes them after a commit that wrote entries.
 */
@ApplicationScoped
class Dispatcher {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

  @Inject OutboxExtension extension;
  @Inject BatchDelivery delivery;

  private final List<DispatchWorker> workers = new ArrayList<>();
  private final AtomicInteger nextToWake = new AtomicInteger();
  private volatile boolean stopping;

  void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
    OutboxSettings settings = extension.settings();
    if (!settings.enabled()) {
      LOG.info("outstore: dispatcher disabled by outstore.enabled=false");
      return;
    }
    ManagedScheduledExecutorService executor = extension.executor();
    synchronized (workers) {
      for (int i = 0; i < settings.workers(); i++) {
        workers.add(
            new DispatchWorker(
                "worker " + (i + 1),
                () -> delivery.run(() -> stopping),
                executor,
                settings.pollInterval(),
                () -> wake(1)));
      }
      workers.forEach(DispatchWorker::start);
    }
    LOG.info(
        () ->
            "outstore: dispatcher started with "
                + settings.workers()
                + " workers, batch size "
                + settings.batchSize()
                + ", poll interval "
                + settings.pollInterval().toMillis()
                + " ms, "
                + extension.messageTypes().size()
                + " observed message types");
  }

  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object applicationStopping) {
    stopping = true;
    List<DispatchWorker> toStop;
    synchronized (workers) {
      toStop = List.copyOf(workers);
      workers.clear();
    }
    var timeout = extension.settings().shutdownTimeout();
    try {
      for (DispatchWorker worker : toStop) {
        if (!worker.stop(timeout)) {
          LOG.warning(
              "outstore: a delivery round still runs after outstore.shutdown-timeout; its"
                  + " transaction will roll back and the entries stay pending");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!toStop.isEmpty()) {
      LOG.info("outstore: dispatcher stopped");
    }
  }

  /**
   * Wakes idle workers, one for each batch of new entries, after a commit that wrote entries.
   * Cheap, safe from any thread, and a no-op when the dispatcher is not running.
   */
  void wake(int entries) {
    List<DispatchWorker> current;
    synchronized (workers) {
      if (workers.isEmpty()) {
        return;
      }
      current = List.copyOf(workers);
    }
    int batches =
        Math.max(
            1, (entries + extension.settings().batchSize() - 1) / extension.settings().batchSize());
    int woken = 0;
    for (int i = 0; i < current.size() && woken < batches; i++) {
      DispatchWorker worker =
          current.get(Math.floorMod(nextToWake.getAndIncrement(), current.size()));
      if (worker.isIdle() && worker.wake()) {
        woken++;
      }
    }
    if (woken == 0) {
      // all busy: make one go round again so the new entries are not left to the poll
      current.get(Math.floorMod(nextToWake.getAndIncrement(), current.size())).wake();
    }
  }
}
