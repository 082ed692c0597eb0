package dev.outstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class OutboxSchemaTest {

  @Test
  void statementsAreCreateStatementsWithoutCommentsOrTerminators() {
    for (OutboxSchema schema : OutboxSchema.values()) {
      assertTrue(schema.statements().size() >= 4, schema.name());
      for (String statement : schema.statements()) {
        assertTrue(statement.startsWith("CREATE "), statement);
        assertTrue(!statement.contains(";") && !statement.contains("--"), statement);
      }
    }
  }

  @Test
  void theH2SchemaRunsTwiceAndAssignsSeqOnInsert() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:schema-test");
        Statement s = c.createStatement()) {
      for (int run = 0; run < 2; run++) {
        for (String statement : OutboxSchema.H2.statements()) {
          s.execute(statement);
        }
      }
      s.execute(
          "insert into outbox_entry (id, msg_key, msg_type, payload, status, available_at,"
              + " created_at) values (1, 'k', 't', '{}', 'PENDING', current_timestamp,"
              + " current_timestamp)");
      try (ResultSet rs = s.executeQuery("select seq, attempts from outbox_entry")) {
        rs.next();
        assertEquals(1, rs.getLong(1));
        assertEquals(0, rs.getInt(2));
      }
    }
  }
}
