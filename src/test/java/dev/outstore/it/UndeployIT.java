package dev.outstore.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Undeploying while the dispatcher drains loses nothing and charges no failed attempt; the
 * redeployed application finishes the work, each entry committed once and in per-key order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class UndeployIT {
  static final int KEYS = 20;
  static final int PER_KEY = 25;
  static final int TOTAL = KEYS * PER_KEY;

  @Deployment(name = "drain", managed = false, testable = false)
  static WebArchive app() {
    return Deployments.app(
        "drain", "outstore.workers=4\noutstore.poll-interval=200ms\n", SendServlet.class);
  }

  @ArquillianResource Deployer deployer;

  @Test
  void undeployDuringADrainLosesNothingAndARedeployFinishesTheWork() throws Exception {
    ClientDb.update("delete from outbox_entry");
    ClientDb.update("delete from test_ledger");
    deployer.deploy("drain");
    try {
      // each delivery works 40 ms: the drain takes seconds, long enough to cut it short
      HttpResponse<String> sent =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://localhost:"
                                  + System.getProperty("outstore.test.http-port", "9181")
                                  + "/drain/send?keys="
                                  + KEYS
                                  + "&perKey="
                                  + PER_KEY
                                  + "&note=slow:40"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, sent.statusCode(), sent.body());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ClientDb.count("select count(*) from test_ledger") >= 50);
    } finally {
      deployer.undeploy("drain");
    }

    long done = count("DONE");
    long pending = count("PENDING");
    System.out.printf("undeployed with %d done and %d pending%n", done, pending);
    assertTrue(pending > 0, "the undeploy interrupted the drain");
    assertEquals(TOTAL, done + pending, "no entry lost");
    assertEquals(done, ClientDb.count("select count(*) from test_ledger"), "ledger = acks");
    assertEquals(0, ClientDb.count("select count(*) from outbox_entry where attempts > 0"));

    deployer.deploy("drain");
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> count("DONE") == TOTAL);
    } finally {
      deployer.undeploy("drain");
    }
    assertEquals(TOTAL, ClientDb.count("select count(*) from test_ledger"), "each committed once");
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (List<Object> row : ClientDb.rows("select msg_key, seq from test_ledger order by id")) {
      byKey.computeIfAbsent((String) row.get(0), k -> new ArrayList<>()).add((Integer) row.get(1));
    }
    assertEquals(KEYS, byKey.size());
    byKey.forEach(
        (key, seqs) -> {
          for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "order of " + key);
          }
        });
  }

  private static long count(String status) {
    return ClientDb.count("select count(*) from outbox_entry where status = ?", status);
  }
}
