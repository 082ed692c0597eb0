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
  void postgresqlClaimsSkipEachOthersRowsWithTheWeakerRowLock() {
    assertEquals(" for no key update skip locked", SqlDialect.POSTGRESQL.claimLock());
    assertEquals(" for no key update", SqlDialect.POSTGRESQL.lock());
  }

  @Test
  void h2ClaimsWaitForEachOther() {
    // H2 would lock every matching row, not only the batch, and leave other claims nothing
    assertEquals(" for update", SqlDialect.H2.claimLock());
  }

  @Test
  void anyOtherDatabaseIsRefusedWithItsNameInTheMessage() {
    OutboxConfigurationException e =
        assertThrows(OutboxConfigurationException.class, () -> SqlDialect.of("MariaDB"));
    assertTrue(e.getMessage().contains("\"MariaDB\""), e.getMessage());
    assertTrue(e.getMessage().contains("PostgreSQL and H2"), e.getMessage());
  }
}
