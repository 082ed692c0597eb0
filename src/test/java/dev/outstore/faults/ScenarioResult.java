package dev.outstore.faults;

import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of one scenario, computed by SQL on the ledger after the run. */
record ScenarioResult(
    String scenario,
    long sent,
    long delivered,
    long dead,
    long lost,
    long duplicates,
    long orderViolations,
    double maxRecoverySeconds,
    long resent,
    double idleTransactionsPerSecond,
    double seconds,
    Map<String, Object> extra) {

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("sent", sent);
    m.put("delivered", delivered);
    m.put("dead", dead);
    m.put("lost", lost);
    m.put("duplicates", duplicates);
    m.put("order_violations", orderViolations);
    m.put("max_recovery_seconds", maxRecoverySeconds);
    m.put("resent", resent);
    m.put("idle_transactions_per_s", idleTransactionsPerSecond);
    m.put("seconds", seconds);
    m.putAll(extra);
    return m;
  }
}
