package dev.outstore.bench;

import dev.outstore.OutboxSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC from the benchmark's JVM to the database Liberty uses. */
final class BenchDb {
  /** Rows inserted by SQL get ids from here up, far above the pooled sequence's. */
  static final long SQL_ID_BASE = 1_000_000_000_000L;

  private final String url;

  BenchDb(String url) {
    this.url = url;
  }

  /**
   * Creates the floor's table: the shipped DDL under another name, so outstore's dispatcher in
   * Liberty leaves the floor's rows alone.
   */
  void createFloorTable() throws SQLException {
    execute("drop table if exists " + JdbcFloor.TABLE);
    execute("drop sequence if exists floor_entry_id_seq, floor_entry_seq_seq");
    for (String ddl : OutboxSchema.POSTGRESQL.statements()) {
      execute(ddl.replace("outbox_entry", JdbcFloor.TABLE));
    }
  }

  String url() {
    return url;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  String text(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  List<String[]> rows(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String[]> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /**
   * Inserts {@code count} entries shaped like the generator's (same keys, type and 1 KiB JSON
   * payload) in one statement, with ids from {@code SQL_ID_BASE + first}.
   */
  void insertEntries(String table, long first, long count, String status) throws SQLException {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "insert into "
                    + table
                    + " (id, msg_key, msg_type, payload, status, attempts,"
                    + " available_at, created_at, done_at)"
                    + " select ? + g, 'k' || (g % "
                    + BenchEvent.KEYS
                    + "), 'bench.event',"
                    + " '{\"data\":\""
                    + BenchEvent.DATA
                    + "\",\"key\":\"k' || (g % "
                    + BenchEvent.KEYS
                    + ") || '\",\"n\":' || g || '}',"
                    + " ?, 0, now(), now(), case when ? = 'DONE' then now() end"
                    + " from generate_series(?::bigint, ?::bigint) g")) {
      s.setLong(1, SQL_ID_BASE);
      s.setString(2, status);
      s.setString(3, status);
      s.setLong(4, first);
      s.setLong(5, first + count - 1);
      s.executeUpdate();
    }
  }
}
