package dev.outstore.faults;

import dev.outstore.OutboxSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL the fault suite runs on: embedded (zonky, data kept across restarts) or, when
 * {@code outstore.faults.system-pg} is true, the machine's PostgreSQL 15 on 127.0.0.1:5432
 * (database {@code test}), restarted with pg_ctlcluster.
 */
final class FaultDatabase implements AutoCloseable {
  private final boolean system;
  private final Path dataDir;
  private EmbeddedPostgres embedded;
  private int port;

  private FaultDatabase(boolean system, Path dataDir) {
    this.system = system;
    this.dataDir = dataDir;
  }

  static FaultDatabase start(Path workDir) throws IOException {
    FaultDatabase db =
        new FaultDatabase(
            Boolean.getBoolean("outstore.faults.system-pg"), workDir.resolve("pgdata"));
    if (db.system) {
      db.port = 5432;
    } else {
      db.startEmbedded(true);
    }
    return db;
  }

  private void startEmbedded(boolean fresh) throws IOException {
    if (fresh) {
      FaultCluster.deleteTree(dataDir);
    }
    // never let zonky clean the data directory: it would delete it on close, i.e. on restart
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setOverrideWorkingDirectory(dataDir.getParent().resolve("pg-binaries").toFile())
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setServerConfig("max_connections", "300")
            .setPGStartupWait(Duration.ofSeconds(60));
    if (port > 0) {
      builder.setPort(port);
    }
    embedded = builder.start();
    port = embedded.getPort();
  }

  String describe() {
    return system
        ? "system PostgreSQL 15 at 127.0.0.1:5432/test"
        : "embedded PostgreSQL on port " + port;
  }

  String host() {
    return "127.0.0.1";
  }

  int port() {
    return port;
  }

  String name() {
    return system ? "test" : "postgres";
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name() + "?user=postgres";
  }

  /** Stops the database, keeps it down for {@code down}, and starts it again. */
  void restart(Duration down) throws Exception {
    if (system) {
      run("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "stop");
      Thread.sleep(down.toMillis()); // the outage itself, part of the scenario
      run("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start");
    } else {
      embedded.close();
      Thread.sleep(down.toMillis()); // the outage itself, part of the scenario
      startEmbedded(false);
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + p.exitValue());
    }
  }

  /** Drops and recreates the outbox from the shipped DDL, and the suite's own tables. */
  void resetSchema() throws SQLException {
    execute(
        "DROP TABLE IF EXISTS outbox_entry, outbox_hold, fault_ledger, fault_attempt",
        "DROP SEQUENCE IF EXISTS outbox_entry_id_seq, outbox_entry_seq_seq");
    execute(OutboxSchema.POSTGRESQL.statements().toArray(String[]::new));
    execute(
        "CREATE TABLE fault_ledger (id bigserial PRIMARY KEY, entry_id bigint NOT NULL,"
            + " msg_key varchar(255) NOT NULL, seq integer NOT NULL, server varchar(64) NOT NULL,"
            + " attempt integer NOT NULL, delivered_at timestamptz NOT NULL DEFAULT"
            + " clock_timestamp())",
        "CREATE TABLE fault_attempt (id bigserial PRIMARY KEY, entry_id bigint NOT NULL,"
            + " msg_key varchar(255) NOT NULL, seq integer NOT NULL, server varchar(64) NOT NULL,"
            + " attempt integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
  }

  void execute(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl());
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  long count(String sql) throws SQLException {
    return ((Number) rows(sql).get(0).get(0)).longValue();
  }

  List<List<Object>> rows(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl());
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** Like {@link #count}, but 0 while the database is unreachable. */
  long countOrZero(String sql) {
    try {
      return count(sql);
    } catch (SQLException e) {
      return 0;
    }
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
