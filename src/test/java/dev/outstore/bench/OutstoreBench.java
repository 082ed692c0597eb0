package dev.outstore.bench;

import dev.outstore.internal.ShippedDefaults;
import dev.outstore.it.TestDatabase;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The benchmark (docs/performance.md): outstore on Liberty next to a raw-JDBC floor and the
 * gruelbox peer, on one PostgreSQL, in one run. Run by {@code ./mvnw verify -Pbench}; writes {@code
 * target/bench/results.json}.
 */
@ExtendWith(ArquillianExtension.class)
class OutstoreBench {
  static final Settings SETTINGS = Settings.fromSystemProperties();

  /** What the run does; every count can be set with -Dbench.*. */
  record Settings(
      boolean quick,
      long entries,
      long backlog,
      long warmup,
      int workers,
      int batchSize,
      double latencySeconds,
      int writeIterations,
      boolean peer) {
    static Settings fromSystemProperties() {
      boolean quick = Boolean.getBoolean("bench.quick");
      return new Settings(
          quick,
          Long.getLong("bench.entries", quick ? 2_000 : 100_000),
          Long.getLong("bench.backlog", quick ? 20_000 : 1_000_000),
          Long.getLong("bench.warmup", quick ? 1_000 : 20_000),
          Integer.getInteger("bench.workers", ShippedDefaults.workers()),
          Integer.getInteger("bench.batch-size", ShippedDefaults.batchSize()),
          Double.parseDouble(System.getProperty("bench.latency-seconds", quick ? "2" : "30")),
          Integer.getInteger("bench.write-iterations", quick ? 200 : 5_000),
          !"false".equals(System.getProperty("bench.peer")));
    }
  }

  @Deployment(testable = false)
  static WebArchive app() {
    JavaArchive outstore =
        ShrinkWrap.create(ExplodedImporter.class, "outstore.jar")
            .importDirectory(new File("target/classes"))
            .as(JavaArchive.class);
    String config =
        "outstore.workers="
            + SETTINGS.workers()
            + "\noutstore.batch-size="
            + SETTINGS.batchSize()
            // the gate holds delivery transactions open while a backlog is written
            + "\noutstore.transaction-timeout=30m\n";
    return ShrinkWrap.create(WebArchive.class, "bench.war")
        .addAsLibrary(outstore)
        .addClasses(BenchEvent.class, BenchObserver.class, BenchServlet.class, BenchWork.class)
        .addPackages(true, "org.HdrHistogram")
        .addAsResource("it/persistence.xml", "META-INF/persistence.xml")
        .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
        .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
  }

  @ArquillianResource URL app;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private BenchDb db;
  private long next = 1_000; // number of the next message sent through the generator

  @Test
  void run() throws Exception {
    db = new BenchDb(System.getProperty(TestDatabase.URL_PROPERTY));
    db.execute(
        "create table if not exists bench_order (id bigserial primary key,"
            + " customer varchar(64) not null, total numeric(12,2) not null,"
            + " created_at timestamptz not null default now())");
    db.createFloorTable();
    Map<String, Object> results = new LinkedHashMap<>();
    Map<String, Object> conditions = conditions("start");
    results.put("conditions", conditions);
    print("conditions", conditions);

    if (Boolean.getBoolean("bench.backlog-only")) { // for diagnosis: figure 4 alone
      drainThroughGenerator(SETTINGS.warmup());
      System.out.println(Json.write(backlog()));
      return;
    }
    // warm-up: every path once, unmeasured
    drainThroughGenerator(SETTINGS.warmup());
    floor(Math.min(SETTINGS.warmup(), 10_000));
    GruelboxPeer peer = SETTINGS.peer() ? newPeer() : null;
    if (peer != null) {
      peer(peer, Math.min(SETTINGS.warmup(), 5_000));
    }

    // 1. drain rate, with its baselines on the same empty table
    double drain = drainThroughGenerator(SETTINGS.entries());
    double floor = floor(SETTINGS.entries());
    double peerRate = peer == null ? Double.NaN : peer(peer, SETTINGS.entries());
    if (peer != null) {
      peer.close();
    }
    results.put("drain_msgs_per_s", drain);
    results.put("floor_msgs_per_s", floor);
    results.put("peer_msgs_per_s", peerRate);
    results.put("drain_vs_floor", drain / floor);
    results.put("drain_vs_peer", drain / peerRate);
    print("drain", results);
    if (Boolean.getBoolean("bench.drain-only")) { // for tuning: figure 1 alone
      System.out.println(Json.write(results));
      return;
    }

    // 2. commit -> observer latency, open loop
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("rate_200", latency(200, SETTINGS.latencySeconds()));
    double half = Math.floor(drain / 2);
    latency.put("rate_half_drain", latency(half, Math.max(2, SETTINGS.latencySeconds() / 2)));
    results.put("latency_ms", latency);
    print("latency", latency);

    // 3. write overhead
    Map<String, Object> write = writeOverhead();
    results.put("write_overhead_ms", write);
    print("write overhead", write);

    // 4. backlog: the drain again with done entries retained, and the floor on the same table
    Map<String, Object> backlog = backlog();
    results.putAll(backlog);
    print("backlog", backlog);

    conditions.putAll(conditions("end"));
    results.put("targets", targets(results));
    Path out = Path.of(System.getProperty("bench.dir", "target/bench"), "results.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, Json.write(results) + "\n");
    System.out.println("bench: wrote " + out.toAbsolutePath());
    System.out.println(Json.write(results));
  }

  /**
   * Sends {@code count} messages through the generator with the dispatcher held at the gate, then
   * opens it and times the drain until no entry is pending. Starts from an empty table.
   */
  private double drainThroughGenerator(long count) throws Exception {
    db.execute("truncate outbox_entry");
    return drainOnCurrentTable(count);
  }

  private double drainOnCurrentTable(long count) throws Exception {
    call("close");
    long delivered = Long.parseLong(call("delivered").get("delivered"));
    Map<String, String> insert =
        call("insert?from=" + next + "&count=" + count + "&perTx=100&threads=2");
    next += count;
    db.execute("analyze outbox_entry"); // what autovacuum does after a bulk insert, done now
    Map<String, String> done;
    try (AutoCloseable watch = watchTransactions("outstore")) {
      call("open");
      done = call("await?delivered=" + (delivered + count) + "&timeoutS=3600");
    }
    double seconds = Long.parseLong(done.get("drain_ns")) / 1e9;
    double rate = count / seconds;
    System.out.printf(
        Locale.ROOT,
        "bench: outstore drained %d entries in %.2f s = %.0f msg/s (written through the generator"
            + " in %s ms)%n",
        count,
        seconds,
        rate,
        insert.get("insert_ms"));
    return rate;
  }

  private double floor(long count) throws Exception {
    db.execute("truncate " + JdbcFloor.TABLE);
    db.insertEntries(JdbcFloor.TABLE, 0, count, "PENDING");
    db.execute("analyze " + JdbcFloor.TABLE);
    return timeFloor(count);
  }

  private double timeFloor(long count) throws Exception {
    long start = System.nanoTime();
    long done;
    try (AutoCloseable watch = watchTransactions("floor")) {
      done = JdbcFloor.drain(db, SETTINGS.workers(), SETTINGS.batchSize());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (done != count) {
      throw new IllegalStateException("the floor drained " + done + " of " + count);
    }
    System.out.printf(
        Locale.ROOT,
        "bench: raw-JDBC floor drained %d in %.2f s = %.0f msg/s%n",
        count,
        seconds,
        count / seconds);
    return count / seconds;
  }

  /**
   * Samples, once a second while a drain runs, the oldest transaction of another session of this
   * database, and prints the longest seen. A long one would keep every drained row's index entry
   * alive and make each claim walk them all.
   */
  private AutoCloseable watchTransactions(String drain) {
    String[] longest = {"none"};
    double[] longestSeconds = {0};
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(
        () -> {
          try {
            String row =
                db.text(
                    "select coalesce((select extract(epoch from now() - xact_start) || '|' ||"
                        + " state || '|' || left(query, 300) from pg_stat_activity where datname"
                        + " = current_database() and pid <> pg_backend_pid() and xact_start is"
                        + " not null order by xact_start limit 1), '0|-|-')");
            if (row != null) {
              double seconds = Double.parseDouble(row.substring(0, row.indexOf('|')));
              if (seconds > longestSeconds[0]) {
                longestSeconds[0] = seconds;
                longest[0] = row;
              }
            }
          } catch (SQLException | RuntimeException e) {
            longest[0] = "sampling failed: " + e;
          }
        },
        // the first sample after the drain began: workers held at the gate are released by then
        500,
        1000,
        TimeUnit.MILLISECONDS);
    return () -> {
      sampler.shutdownNow();
      sampler.awaitTermination(10, TimeUnit.SECONDS);
      System.out.println(
          "bench: " + drain + ": oldest transaction seen while draining: " + longest[0]);
    };
  }

  private GruelboxPeer newPeer() {
    return new GruelboxPeer(db.url(), SETTINGS.workers(), SETTINGS.batchSize());
  }

  private double peer(GruelboxPeer peer, long count) throws Exception {
    peer.clear();
    long start = System.nanoTime();
    peer.schedule(count, 100);
    double scheduled = (System.nanoTime() - start) / 1e9;
    peer.analyze();
    double seconds = peer.drain(count);
    System.out.printf(
        Locale.ROOT,
        "bench: gruelbox drained %d in %.2f s = %.0f msg/s (scheduled in %.2f s)%n",
        count,
        seconds,
        count / seconds,
        scheduled);
    return count / seconds;
  }

  private Map<String, Object> latency(double rate, double seconds) throws Exception {
    db.execute("truncate outbox_entry");
    Map<String, String> r =
        call(
            String.format(
                Locale.ROOT, "latency?rate=%.1f&seconds=%.1f&base=%d", rate, seconds, next));
    next += Long.parseLong(r.get("count"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rate_msgs_per_s", rate);
    r.forEach((k, v) -> out.put(k, number(v)));
    return out;
  }

  private Map<String, Object> writeOverhead() throws Exception {
    db.execute("truncate outbox_entry, bench_order");
    call("close"); // measure the writes alone; the dispatcher's work is figure 1
    long delivered = Long.parseLong(call("delivered").get("delivered"));
    Map<String, String> r =
        call("write?iterations=" + SETTINGS.writeIterations() + "&base=" + next);
    long sent = Long.parseLong(r.get("sent"));
    next += sent;
    call("open");
    call("await?delivered=" + (delivered + sent) + "&timeoutS=600");
    Map<String, Object> out = new LinkedHashMap<>();
    double p50 = number(r.get("with_p50")) - number(r.get("without_p50"));
    double p99 = number(r.get("with_p99")) - number(r.get("without_p99"));
    out.put("p50", p50);
    out.put("p99", p99);
    out.put("iterations", SETTINGS.writeIterations());
    r.forEach((k, v) -> out.put(k, number(v)));
    return out;
  }

  private Map<String, Object> backlog() throws Exception {
    db.execute("truncate outbox_entry");
    db.execute("truncate " + JdbcFloor.TABLE);
    long start = System.nanoTime();
    for (String table : new String[] {"outbox_entry", JdbcFloor.TABLE}) {
      db.insertEntries(table, 10_000_000_000L, SETTINGS.backlog(), "DONE");
      db.execute("vacuum analyze " + table);
    }
    // The bulk insert wrote gigabytes of WAL: without a checkpoint now, the checkpoints it
    // triggers (and the full-page images after each) fell into the timed drains (measured: back to
    // back checkpoints, drain and floor both 3-7x slower). The figure is about table size.
    db.execute("checkpoint");
    System.out.printf(
        Locale.ROOT,
        "bench: %d DONE entries inserted into each table and vacuumed in %.1f s%n",
        SETTINGS.backlog(),
        (System.nanoTime() - start) / 1e9);
    double drain = drainOnCurrentTable(SETTINGS.entries());
    // the floor on a table of the same size: the retained DONE rows, N fresh pending ones
    db.insertEntries(JdbcFloor.TABLE, 0, SETTINGS.entries(), "PENDING");
    db.execute("analyze " + JdbcFloor.TABLE);
    double floor = timeFloor(SETTINGS.entries());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("backlog_done_entries", SETTINGS.backlog());
    out.put("backlog_drain_msgs_per_s", drain);
    out.put("backlog_floor_msgs_per_s", floor);
    out.put(
        "backlog_table_size",
        db.text("select pg_size_pretty(pg_total_relation_size('outbox_entry'))"));
    return out;
  }

  private static Map<String, Object> targets(Map<String, Object> r) {
    Map<String, Object> t = new LinkedHashMap<>();
    double drain = (Double) r.get("drain_msgs_per_s");
    t.put("drain_at_least_10000", drain >= 10_000);
    t.put("drain_at_least_0.8_floor", (Double) r.get("drain_vs_floor") >= 0.8);
    t.put("drain_ahead_of_peer", (Double) r.get("drain_vs_peer") > 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> at200 =
        (Map<String, Object>) ((Map<String, Object>) r.get("latency_ms")).get("rate_200");
    t.put("latency_200_p50_at_most_5ms", (Double) at200.get("p50") <= 5);
    t.put("latency_200_p99_at_most_25ms", (Double) at200.get("p99") <= 25);
    @SuppressWarnings("unchecked")
    Map<String, Object> write = (Map<String, Object>) r.get("write_overhead_ms");
    t.put("write_overhead_p50_at_most_0.2ms", (Double) write.get("p50") <= 0.2);
    double backlog = (Double) r.get("backlog_drain_msgs_per_s");
    t.put("backlog_within_10_percent", backlog >= 0.9 * drain);
    return t;
  }

  private Map<String, Object> conditions(String when) throws Exception {
    Map<String, Object> c = new LinkedHashMap<>();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    c.put("load_average_" + when, load);
    if (when.equals("end")) {
      return c;
    }
    c.put("time", Instant.now().toString());
    c.put("quick", SETTINGS.quick());
    c.put("cpus", Runtime.getRuntime().availableProcessors());
    c.put("cpu_model", cpuModel());
    c.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    c.put("liberty", System.getProperty("bench.liberty.version", "?"));
    c.put("hibernate", System.getProperty("bench.hibernate.version", "?"));
    c.put("database", db.url().replaceAll("password=[^&]*", "password=…"));
    c.put("postgresql", db.text("select version()"));
    Map<String, Object> pg = new LinkedHashMap<>();
    for (String[] row :
        db.rows(
            "select name, setting || coalesce(' ' || unit, '') from pg_settings where name in"
                + " ('synchronous_commit','fsync','wal_sync_method','full_page_writes',"
                + "'shared_buffers','wal_level','max_wal_size','checkpoint_timeout','work_mem',"
                + "'max_connections','autovacuum','random_page_cost','commit_delay') order by"
                + " name")) {
      pg.put(row[0], row[1]);
    }
    c.put("postgresql_settings", pg);
    c.put("entries", SETTINGS.entries());
    c.put("backlog_done_entries", SETTINGS.backlog());
    c.put("warmup_entries", SETTINGS.warmup());
    c.put("workers", SETTINGS.workers());
    c.put("batch_size", SETTINGS.batchSize());
    c.put("poll_interval_ms", ShippedDefaults.pollIntervalMillis());
    c.put("payload_bytes", payloadBytes());
    c.put("keys", BenchEvent.KEYS);
    c.put("latency_seconds", SETTINGS.latencySeconds());
    c.put("write_iterations", SETTINGS.writeIterations());
    c.put("observer", "no-op (counts; records the time in latency runs)");
    return c;
  }

  private long payloadBytes() throws Exception {
    db.execute("truncate outbox_entry");
    call("insert?from=0&count=1&perTx=1&threads=1");
    // the gate is open: the entry is delivered; its payload stays in the row
    return Long.parseLong(db.text("select max(octet_length(payload)) from outbox_entry"));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse("?");
    } catch (Exception e) {
      return "?";
    }
  }

  private Map<String, String> call(String op) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.toString() + "bench/" + op))
            .timeout(Duration.ofHours(2))
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          op + ": HTTP " + response.statusCode() + "\n" + response.body());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return values;
  }

  private static double number(String text) {
    return Double.parseDouble(text);
  }

  private static void print(String title, Map<String, Object> values) {
    System.out.println("bench: == " + title + " " + Json.write(values));
  }
}
