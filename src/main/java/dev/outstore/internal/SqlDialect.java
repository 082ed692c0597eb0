package dev.outstore.internal;

import dev.outstore.OutboxConfigurationException;

/** What differs in outstore's SQL between the databases it ships DDL for. */
enum SqlDialect {
  /*
   * NO KEY UPDATE, the weakest lock that keeps other claims off the row, as Hibernate renders
   * PESSIMISTIC_WRITE: it does not block inserts that reference the row by foreign key. A claim
   * skips rows other claims hold.
   */
  POSTGRESQL(" for no key update", " for no key update skip locked"),
  /*
   * H2 locks every row its query matches, not only those the LIMIT returns: with SKIP LOCKED, one
   * claim would leave the others nothing (measured on H2 2.5). Its claims wait for each other
   * instead, as they did when Hibernate's H2 dialect wrote the lock clause. H2 serves the demo.
   */
  H2(" for update", " for update");

  private final String lock;
  private final String claimLock;

  SqlDialect(String lock, String claimLock) {
    this.lock = lock;
    this.claimLock = claimLock;
  }

  /** The clause that ends a query locking its rows, waiting for other transactions' locks. */
  String lock() {
    return lock;
  }

  /** The clause that ends a claim query: on PostgreSQL it skips rows locked elsewhere. */
  String claimLock() {
    return claimLock;
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
