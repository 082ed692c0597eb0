package dev.outstore.internal;

import dev.outstore.OutboxConfigurationException;

/** What differs in outstore's SQL between the databases it ships DDL for. */
enum SqlDialect {
  /*
   * NO KEY UPDATE, the weakest lock that keeps other claims off the row, as Hibernate renders
   * PESSIMISTIC_WRITE: it does not block inserts that reference the row by foreign key.
   */
  POSTGRESQL(" for no key update"),
  H2(" for update");

  private final String lock;

  SqlDialect(String lock) {
    this.lock = lock;
  }

  /** The clause that ends a query locking its rows, waiting for other transactions' locks. */
  String lock() {
    return lock;
  }

  /** The clause that ends a claim query: locks its rows, skipping those locked elsewhere. */
  String skipLocked() {
    return lock + " skip locked";
  }

  /**
   * @param productName as reported by the JDBC driver
   * @throws OutboxConfigurationException for a database outstore ships no DDL for
   */
  static SqlDialect of(String productName) {
    if ("PostgreSQL".equals(productName)) {
      return POSTGRESQL;
    }
    if ("H2".equals(productName)) {
      return H2;
    }
    throw new OutboxConfigurationException(
        "outstore supports PostgreSQL and H2, but the outbox persistence unit's database is \""
            + productName
            + "\"");
  }
}
