package dev.outstore.it;

import jakarta.transaction.UserTransaction;

/** Runs test code in a JTA transaction that commits, or rolls back if the code throws. */
final class Tx {
  private Tx() {}

  interface Work {
    void run() throws Exception;
  }

  static void run(UserTransaction transaction, Work work) throws Exception {
    transaction.begin();
    try {
      work.run();
    } catch (Exception | Error e) {
      transaction.rollback();
      throw e;
    }
    transaction.commit();
  }
}
