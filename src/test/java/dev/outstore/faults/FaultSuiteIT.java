package dev.outstore.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * outstore under crashes and competing servers: several Liberty processes share one PostgreSQL,
 * producers send through the real generator, and an observer-side ledger written in each delivery
 * transaction shows afterwards, by SQL, what was lost, duplicated or reordered. Run by {@code
 * ./mvnw verify -Pfaults}; see docs/reliability.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
  static final int KEYS = Integer.getInteger("outstore.faults.keys", 500);
  static final int PER_KEY = Integer.getInteger("outstore.faults.per-key", 100);
  static final int SERVERS = Integer.getInteger("outstore.faults.servers", 3);
  static final int PER_TX = 10;
  // the shipped default: see docs/reliability.md for why a lower one makes flaky fail by chance
  static final int MAX_ATTEMPTS = 10;
  static final long BACKOFF_INITIAL_MS = 200;
  static final long BACKOFF_MAX_MS = 2000;
  static final double JITTER = 0.5;
  static final Path WORK = Path.of("target", "faults");

  static FaultDatabase db;
  static final List<ScenarioResult> results = new ArrayList<>();
  static final Map<String, Object> leakFigures = new LinkedHashMap<>();

  @BeforeAll
  static void database() throws Exception {
    Files.createDirectories(WORK);
    db = FaultDatabase.start(WORK);
    System.out.printf(
        "fault suite: %d servers, %d keys x %d entries, %s, %d CPUs%n",
        SERVERS, KEYS, PER_KEY, db.describe(), Runtime.getRuntime().availableProcessors());
  }

  @AfterAll
  static void summary() throws Exception {
    try {
      writeSummary();
    } finally {
      db.close();
    }
  }

  @Test
  @Order(1)
  void steady() throws Exception {
    ScenarioResult r = run("steady", "", Fault.NONE);
    assertClean(r);
  }

  @Test
  @Order(2)
  void killNine() throws Exception {
    ScenarioResult r =
        run(
            "kill-9",
            "",
            (cluster, workload) -> {
              workload.avoid.add(1);
              cluster.kill(1);
              long killedAt = db.count("select count(*) from fault_ledger");
              workload.resume(); // only now: the rest must be left for the survivors
              // let the survivors drain a while without it, then bring it back
              try {
                await("the survivors deliver another 20 % of the workload")
                    .atMost(Duration.ofMinutes(2))
                    .until(
                        () ->
                            db.countOrZero("select count(*) from fault_ledger")
                                > killedAt + planned() / 5);
              } catch (ConditionTimeoutException e) {
                throw new AssertionError(
                    "delivered " + killedAt + " when killed; now: " + databaseState(), e);
              }
              cluster.start(1);
              workload.avoid.remove(1);
            });
    assertClean(r);
  }

  @Test
  @Order(3)
  void databaseRestart() throws Exception {
    ScenarioResult r =
        run(
            "database-restart",
            "",
            (cluster, workload) -> {
              workload.resume(); // the driver's requests meet the outage
              db.restart(Duration.ofSeconds(6));
            });
    assertClean(r);
  }

  @Test
  @Order(4)
  void flakyObserversAndAPoisonKey() throws Exception {
    ScenarioResult r =
        run(
            "flaky",
            "fault.flaky-rate=0.05\nfault.poison-key=poison-0\n",
            Fault.NONE,
            workload -> workload.sendKey("poison-", 3));
    assertEquals(0, r.lost(), "lost");
    assertEquals(0, r.duplicates(), "duplicates");
    assertEquals(0, r.orderViolations(), "order violations");
    assertEquals(3, r.dead(), "the poison key's entries, and only they, end DEAD");
    assertEquals(
        List.of(List.of(MAX_ATTEMPTS, MAX_ATTEMPTS)),
        db.rows("select min(attempts), max(attempts) from outbox_entry where status = 'DEAD'"));
    // pacing is cluster-wide: no server called a failed entry again before its backoff
    assertEquals(
        (long) MAX_ATTEMPTS, r.extra().get("max_observer_calls_of_a_dead_entry"), r.toString());
    assertTrue(
        ((Number) r.extra().get("min_retry_gap_vs_backoff_floor")).doubleValue() >= 1,
        r.toString());
  }

  @Test
  @Order(5)
  void redeploy() throws Exception {
    ScenarioResult r =
        run(
            "redeploy",
            "",
            (cluster, workload) -> {
              workload.avoid.add(0);
              workload.resume();
              cluster.redeploy(0);
              workload.avoid.remove(0);
            });
    assertClean(r);
  }

  @Test
  @Order(6)
  void slowObserver() throws Exception {
    ScenarioResult r =
        run(
            "slow-observer",
            "fault.slow-key=slow-0\nfault.slow-ms=10000\n",
            Fault.NONE,
            workload -> workload.sendKey("slow-", 2));
    assertClean(r);
    assertTrue(r.maxRecoverySeconds() < 5, "other keys kept flowing: " + r);
  }

  @Test
  @Order(7)
  void tenRedeploysLeaveNoDispatcherBehind() throws Exception {
    db.resetSchema();
    Path war = war("redeploy-leak", "");
    Map<String, Object> figures = new LinkedHashMap<>();
    try (FaultCluster cluster =
        new FaultCluster(
            Path.of(System.getProperty("outstore.faults.wlp")),
            Path.of(System.getProperty("outstore.faults.template")),
            1,
            9311,
            db,
            war)) {
      cluster.startAll();
      figures.put("idle_transactions_per_s_deployed", idleTransactionsPerSecond());
      figures.put("server_connections_used_deployed", serverConnectionsUsedInFiveSeconds());
      for (int i = 0; i < 10; i++) {
        cluster.redeploy(0);
      }
      figures.put("outstore_threads_after_10_redeploys", cluster.threadsInOutstore(0));
      cluster.undeploy(0);
      figures.put("outstore_threads_undeployed", cluster.threadsInOutstore(0));
      figures.put("idle_transactions_per_s_undeployed", idleTransactionsPerSecond());
      figures.put("server_connections_used_undeployed", serverConnectionsUsedInFiveSeconds());
    }
    System.out.println("fault suite: redeploy-leak " + figures);
    leakFigures.putAll(figures);
    assertEquals(0L, figures.get("outstore_threads_undeployed"), figures.toString());
    // the polling dispatcher shows up in this figure while deployed, and nothing may afterwards;
    // the database's transaction count would not do: work not the server's adds to it (2.4/s once)
    assertTrue((long) figures.get("server_connections_used_deployed") > 0, figures.toString());
    assertEquals(0L, figures.get("server_connections_used_undeployed"), figures.toString());
  }

  /**
   * How many client connections other than the suite's own ran a statement in a 5 s window: a
   * dispatcher left polling after its application is gone would use the server's pooled ones.
   */
  private static long serverConnectionsUsedInFiveSeconds() throws Exception {
    long sinceMicros = db.count("select (extract(epoch from clock_timestamp()) * 1000000)::bigint");
    Thread.sleep(5_000); // a measurement window, not a wait for a condition
    return db.count(
        "select count(*) from pg_stat_activity where datname = current_database()"
            + " and backend_type = 'client backend' and pid <> pg_backend_pid()"
            + " and state_change > to_timestamp("
            + sinceMicros
            + " / 1000000.0)");
  }

  /**
   * What a scenario does to the cluster once 30 % of the workload is delivered, with the driver
   * paused at 40 % sent. The fault resumes the driver when it should meet the rest of the workload;
   * otherwise it resumes once the fault is injected.
   */
  interface Fault {
    Fault NONE = (cluster, workload) -> {};

    void inject(FaultCluster cluster, Workload workload) throws Exception;
  }

  interface Prelude {
    Prelude NONE = workload -> {};

    void send(Workload workload);
  }

  static int planned() {
    return KEYS * PER_KEY;
  }

  private ScenarioResult run(String name, String script, Fault fault) throws Exception {
    return run(name, script, fault, Prelude.NONE);
  }

  private ScenarioResult run(String name, String script, Fault fault, Prelude prelude)
      throws Exception {
    db.resetSchema();
    Path war = war(name, script);
    long start = System.nanoTime();
    Map<String, Object> extra = new LinkedHashMap<>();
    try (FaultCluster cluster =
        new FaultCluster(
            Path.of(System.getProperty("outstore.faults.wlp")),
            Path.of(System.getProperty("outstore.faults.template")),
            SERVERS,
            9301,
            db,
            war)) {
      cluster.startAll();
      Workload workload = new Workload(cluster, KEYS, PER_KEY, PER_TX);
      prelude.send(workload);
      // the driver pauses at 40 % sent; the fault comes at 30 % delivered
      Thread producer =
          new Thread(() -> workload.run(Math.max(1, PER_KEY * 4 / 10)), "fault-workload");
      producer.start();
      await()
          .atMost(Duration.ofMinutes(5))
          .until(() -> db.countOrZero("select count(*) from fault_ledger") >= planned() * 3 / 10);
      long faultAt = System.nanoTime();
      fault.inject(cluster, workload);
      extra.put("fault_seconds", (System.nanoTime() - faultAt) / 1e9);
      workload.resume();
      producer.join(Duration.ofMinutes(10).toMillis());
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  db.countOrZero("select count(*) from outbox_entry where status = 'PENDING'")
                      == 0);
      double seconds = (System.nanoTime() - start) / 1e9;
      extra.put("failed_requests", workload.failedRequests.get());
      double idle = idleTransactionsPerSecond();
      ScenarioResult r = measure(name, seconds, idle, extra);
      results.add(r);
      System.out.println("fault suite: " + r.toJson());
      return r;
    }
  }

  private static ScenarioResult measure(
      String name, double seconds, double idle, Map<String, Object> extra) throws Exception {
    long sent = db.count("select count(*) from outbox_entry");
    long delivered = db.count("select count(distinct entry_id) from fault_ledger");
    long dead = db.count("select count(*) from outbox_entry where status = 'DEAD'");
    long lost =
        db.count(
            "select count(*) from outbox_entry e where e.status <> 'DEAD' and not exists"
                + " (select 1 from fault_ledger l where l.entry_id = e.id)");
    long duplicates = db.count("select count(*) - count(distinct entry_id) from fault_ledger");
    long violations =
        db.count(
            "select count(*) from (select seq, lag(seq) over (partition by msg_key order by id)"
                + " prev from fault_ledger) t where seq < prev");
    long resent =
        db.count(
            // the message's own sequence number, not the outbox's seq column
            "select count(*) - count(distinct (msg_key, payload::json ->> 'seq')) from"
                + " outbox_entry");
    Object gap =
        db.rows(
                // the longest pause in deliveries; a slow key's own entries are left out,
                // since the question there is whether the other keys kept flowing
                "select coalesce(extract(epoch from max(gap)), 0) from (select delivered_at -"
                    + " lag(delivered_at) over (order by delivered_at) gap from fault_ledger"
                    + " where msg_key not like 'slow-%') t")
            .get(0)
            .get(0);
    extra.put("ledger_rows", db.count("select count(*) from fault_ledger"));
    extra.put("attempts_logged", db.count("select count(*) from fault_attempt"));
    // a rolled-back batch calls its earlier entries' observers again: how often, at worst
    extra.put(
        "max_observer_calls_of_an_entry",
        db.count(
            "select coalesce(max(n), 0) from (select count(*) n from fault_attempt"
                + " group by entry_id) t"));
    extra.put(
        "max_failed_attempts_of_a_delivered_entry",
        db.count("select coalesce(max(attempts), 0) from outbox_entry where status = 'DONE'"));
    if (dead > 0) {
      extra.put("min_retry_gap_vs_backoff_floor", minRetryGapVsFloor());
      extra.put(
          "max_observer_calls_of_a_dead_entry",
          db.count(
              "select max(n) from (select count(*) n from fault_attempt a join outbox_entry e on"
                  + " e.id = a.entry_id where e.status = 'DEAD' group by a.entry_id) t"));
    }
    return new ScenarioResult(
        name,
        sent,
        delivered,
        dead,
        lost,
        duplicates,
        violations,
        ((Number) gap).doubleValue(),
        resent,
        idle,
        seconds,
        extra);
  }

  /**
   * The smallest ratio, over consecutive attempts of DEAD entries, of the time between them to the
   * backoff's floor for that attempt: at least 1 when every server respects the pacing.
   */
  private static double minRetryGapVsFloor() throws Exception {
    List<List<Object>> rows =
        db.rows(
            "select a.entry_id, a.attempt, extract(epoch from a.at) from fault_attempt a join"
                + " outbox_entry e on e.id = a.entry_id where e.status = 'DEAD'"
                + " order by a.entry_id, a.at");
    double min = Double.MAX_VALUE;
    for (int i = 1; i < rows.size(); i++) {
      if (rows.get(i).get(0).equals(rows.get(i - 1).get(0))) {
        int failed = ((Number) rows.get(i - 1).get(1)).intValue();
        double gapMs =
            (((Number) rows.get(i).get(2)).doubleValue()
                    - ((Number) rows.get(i - 1).get(2)).doubleValue())
                * 1000;
        double floorMs =
            Math.min(BACKOFF_INITIAL_MS << (failed - 1), BACKOFF_MAX_MS) * (1 - JITTER);
        min = Math.min(min, gapMs / floorMs);
      }
    }
    return min == Double.MAX_VALUE ? 0 : Math.round(min * 100) / 100.0;
  }

  /** What the database shows now, for the message of a failed wait. */
  private static String databaseState() throws Exception {
    return db.rows(
            "select (select count(*) from fault_ledger) ledger, (select count(*) from outbox_entry)"
                + " sent, (select count(*) from outbox_entry where status = 'PENDING') pending")
        + " sessions "
        + db.rows(
            "select application_name, state, wait_event_type, wait_event,"
                + " extract(epoch from now() - xact_start)::int xact_s, left(query, 120) from"
                + " pg_stat_activity where datname = current_database() and pid <>"
                + " pg_backend_pid() order by xact_start nulls last limit 20");
  }

  /** Database transactions per second while nothing is due: the dispatchers' idle polling. */
  private static double idleTransactionsPerSecond() throws Exception {
    String sql =
        "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()";
    long before = db.count(sql);
    long t0 = System.nanoTime();
    Thread.sleep(5_000); // a measurement window, not a wait for a condition
    long after = db.count(sql);
    return Math.round((after - before - 1) / ((System.nanoTime() - t0) / 1e9) * 10) / 10.0;
  }

  private static void assertClean(ScenarioResult r) {
    assertEquals(0, r.lost(), "lost: " + r);
    assertEquals(0, r.duplicates(), "duplicates: " + r);
    assertEquals(0, r.orderViolations(), "order violations: " + r);
    assertEquals(0, r.dead(), "dead: " + r);
    assertEquals(r.sent(), r.delivered(), "delivered: " + r);
  }

  private static Path war(String name, String script) {
    JavaArchive outstore =
        ShrinkWrap.create(ExplodedImporter.class, "outstore.jar")
            .importDirectory(new File("target/classes"))
            .as(JavaArchive.class);
    WebArchive war =
        ShrinkWrap.create(WebArchive.class, FaultCluster.APP + ".war")
            .addAsLibrary(outstore)
            .addClasses(FaultPing.class, FaultObserver.class, FaultDriverServlet.class)
            .addAsResource("it/persistence.xml", "META-INF/persistence.xml")
            .addAsResource(
                new StringAsset(
                    "outstore.workers=4\noutstore.poll-interval=500ms\noutstore.max-attempts="
                        + MAX_ATTEMPTS
                        + "\noutstore.backoff.initial="
                        + BACKOFF_INITIAL_MS
                        + "ms\noutstore.backoff.max="
                        + BACKOFF_MAX_MS
                        + "ms\noutstore.backoff.jitter="
                        + JITTER
                        + "\n"
                        + script),
                "META-INF/microprofile-config.properties")
            .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    Path file = WORK.resolve(name + ".war");
    war.as(ZipExporter.class).exportTo(file.toFile(), true);
    return file;
  }

  private static void writeSummary() throws Exception {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put(
        "conditions",
        Map.of(
            "servers", SERVERS,
            "keys", KEYS,
            "entries_per_key", PER_KEY,
            "database", db.describe(),
            "cpus", Runtime.getRuntime().availableProcessors()));
    summary.put("scenarios", results.stream().map(ScenarioResult::toJson).toList());
    summary.put("redeploy_leak", leakFigures);
    try (Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withFormatting(true))) {
      Files.writeString(WORK.resolve("summary.json"), jsonb.toJson(summary));
    }
    System.out.println("fault suite summary (" + WORK.resolve("summary.json") + "):");
    System.out.printf(
        "%-17s %7s %9s %5s %5s %10s %16s %12s %9s%n",
        "scenario",
        "sent",
        "delivered",
        "dead",
        "lost",
        "duplicates",
        "order_violations",
        "max_recov_s",
        "idle_tx/s");
    for (ScenarioResult r : results) {
      System.out.printf(
          "%-17s %7d %9d %5d %5d %10d %16d %12.2f %9.1f%n",
          r.scenario(),
          r.sent(),
          r.delivered(),
          r.dead(),
          r.lost(),
          r.duplicates(),
          r.orderViolations(),
          r.maxRecoverySeconds(),
          r.idleTransactionsPerSecond());
    }
    if (!leakFigures.isEmpty()) {
      System.out.println("redeploy leak: " + leakFigures);
    }
  }
}
