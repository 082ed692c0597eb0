package dev.outstore.it;

import dev.outstore.OutboxSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Brings up the PostgreSQL the integration tests run against, before Arquillian starts Liberty: the
 * one named by {@code outstore.test.jdbc-url}, or else an embedded one (zonky). Creates the schema
 * from the shipped DDL, then points the Liberty server at the database through a configuration
 * drop-in.
 *
 * <p>Acts only in the Failsafe JVM (where {@code outstore.test.server-dir} is set) and only for the
 * PostgreSQL server.
 */
public final class TestDatabase implements LauncherSessionListener {
  /** The JDBC URL the client-side tests use, set once the database is up. */
  public static final String URL_PROPERTY = "outstore.test.active-jdbc-url";

  private EmbeddedPostgres embedded;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String serverDir = System.getProperty("outstore.test.server-dir", "");
    if (serverDir.isEmpty() || System.getProperty("arquillian.launch", "").equals("liberty-h2")) {
      return;
    }
    try {
      String url = System.getProperty("outstore.test.jdbc-url", "").trim();
      String preferred = System.getProperty("outstore.test.preferred-jdbc-url", "").trim();
      if (url.isEmpty() && !preferred.isEmpty() && answers(preferred)) {
        url = preferred;
      }
      if (url.isEmpty()) {
        EmbeddedPostgres.Builder builder =
            EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(Path.of("target", "embedded-pg").toFile())
                .setServerConfig("max_connections", "200");
        // name=value,... overrides zonky's settings (it turns fsync and synchronous_commit off)
        for (String setting : System.getProperty("outstore.test.pg-settings", "").split(",")) {
          String[] kv = setting.split("=", 2);
          if (kv.length == 2) {
            builder.setServerConfig(kv[0].trim(), kv[1].trim());
          }
        }
        embedded = builder.start();
        url = embedded.getJdbcUrl("postgres", "postgres");
        System.out.println("outstore tests: embedded PostgreSQL at " + url);
      } else {
        System.out.println("outstore tests: PostgreSQL at " + url);
      }
      System.setProperty(URL_PROPERTY, url);
      createSchema(url);
      writeServerDropIn(Path.of(serverDir), url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare the test database", e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Whether the database of {@code url} answers, creating the database first if its server answers
   * but lacks it. Used for a preferred database that may not be there (the benchmark's).
   */
  private static boolean answers(String url) {
    try (Connection c = DriverManager.getConnection(url)) {
      return true;
    } catch (SQLException e) {
      if (!"3D000".equals(e.getSQLState())) { // anything but "database does not exist"
        System.out.println("outstore tests: " + url + " does not answer (" + e.getMessage() + ")");
        return false;
      }
    }
    URI uri = URI.create(url.substring("jdbc:".length()));
    String name = uri.getPath().substring(1);
    String postgres = url.replaceFirst("/" + name + "(\\?|$)", "/postgres$1");
    try (Connection c = DriverManager.getConnection(postgres);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + name + "\"");
      return true;
    } catch (SQLException e) {
      System.out.println("outstore tests: cannot create database " + name + ": " + e.getMessage());
      return false;
    }
  }

  private static void createSchema(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS outbox_entry, outbox_hold, test_ledger");
      s.execute("DROP SEQUENCE IF EXISTS outbox_entry_id_seq, outbox_entry_seq_seq");
      for (String ddl : OutboxSchema.POSTGRESQL.statements()) {
        s.execute(ddl);
      }
      s.execute(
          "CREATE TABLE test_ledger (id bigserial PRIMARY KEY,"
              + " msg_key varchar(255) NOT NULL, seq integer NOT NULL, attempt integer NOT NULL,"
              + " note varchar(255))");
    }
  }

  private static void writeServerDropIn(Path serverDir, String jdbcUrl) throws IOException {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    Map<String, String> query = new HashMap<>();
    if (uri.getQuery() != null) {
      for (String pair : uri.getQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    String xml =
        "<server>\n"
            + variable("db.host", uri.getHost())
            + variable("db.port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()))
            + variable("db.name", uri.getPath().substring(1))
            + variable("db.user", query.getOrDefault("user", "postgres"))
            + variable("db.password", query.getOrDefault("password", ""))
            + "</server>\n";
    Path dropIns = serverDir.resolve("configDropins").resolve("overrides");
    Files.createDirectories(dropIns);
    Files.writeString(dropIns.resolve("outstore-test-db.xml"), xml);
  }

  private static String variable(String name, String value) {
    return "  <variable name=\"" + name + "\" value=\"" + value.replace("\"", "&quot;") + "\"/>\n";
  }
}
