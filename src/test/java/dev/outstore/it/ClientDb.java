package dev.outstore.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** JDBC from the test JVM to the database the Liberty server uses, for client-side tests. */
final class ClientDb {
  private ClientDb() {}

  static long count(String sql, Object... params) {
    return ((Number) rows(sql, params).get(0).get(0)).longValue();
  }

  static List<List<Object>> rows(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(System.getProperty(TestDatabase.URL_PROPERTY));
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
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

  static void update(String sql) {
    try (Connection c = DriverManager.getConnection(System.getProperty(TestDatabase.URL_PROPERTY));
        PreparedStatement s = c.prepareStatement(sql)) {
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
