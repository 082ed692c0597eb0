package dev.outstore.it;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Plain JDBC on the test datasource, outside any transaction, for assertions and setup. */
@ApplicationScoped
public class Db {
  @Resource(lookup = "jdbc/outstore")
  DataSource dataSource;

  /** Runs an update with positional parameters; returns the row count. */
  public int update(String sql, Object... params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The single long of a query such as {@code select count(*) ...}. */
  public long count(String sql, Object... params) {
    List<List<Object>> rows = rows(sql, params);
    return ((Number) rows.get(0).get(0)).longValue();
  }

  /** All rows of a query, each as its column values. */
  public List<List<Object>> rows(String sql, Object... params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      try (ResultSet rs = s.executeQuery()) {
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
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /**
   * Inserts a pending entry by SQL (PostgreSQL), as another application or a bug might: no
   * generator, no validation, no wake-up.
   */
  public void insertEntry(String key, String type, String payload) {
    update(
        "insert into outbox_entry (id, msg_key, msg_type, payload, status, attempts, available_at,"
            + " created_at) values (nextval('outbox_entry_id_seq'), ?, ?, ?, 'PENDING', 0, now(),"
            + " now())",
        key,
        type,
        payload);
  }

  /** Empties the outbox and the ledger. */
  public void clean() {
    update("delete from outbox_entry");
    update("delete from outbox_hold");
    update("delete from test_ledger");
  }

  private static void bind(PreparedStatement s, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
  }
}
