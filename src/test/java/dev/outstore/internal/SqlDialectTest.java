package dev.outstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outstore.OutboxConfigurationException;
import org.junit.jupiter.api.Test;

class SqlDialectTest {

  @Test
  void theDatabasesOutstoreShipsDdlForAreRecognizedByTheirDriversProductName() {
    assertEquals(SqlDialect.POSTGRESQL, SqlDialect.of("PostgreSQL"));
    assertEquals(SqlDialect.H2, SqlDialect.of("H2"));
  }

  @Test
  void postgresqlTakesTheWeakerRowLock() {
    assertEquals(" for no key update skip locked", SqlDialect.POSTGRESQL.skipLocked());
    assertEquals(" for update skip locked", SqlDialect.H2.skipLocked());
  }

  @Test
  void anyOtherDatabaseIsRefusedWithItsNameInTheMessage() {
    OutboxConfigurationException e =
        assertThrows(OutboxConfigurationException.class, () -> SqlDialect.of("MariaDB"));
    assertTrue(e.getMessage().contains("\"MariaDB\""), e.getMessage());
    assertTrue(e.getMessage().contains("PostgreSQL and H2"), e.getMessage());
  }
}
