package dev.outstore.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Invalid configuration and invalid message classes fail the deployment, and the failure names the
 * property with its value, or the class.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadDeploymentIT {

  @Deployment(name = "bad-config", managed = false, testable = false)
  static WebArchive badConfig() {
    return Deployments.app(
        "badconfig",
        "outstore.batch-size=0\noutstore.poll-interval=soon\noutstore.backoff.jitter=2\n");
  }

  @Deployment(name = "bad-executor", managed = false, testable = false)
  static WebArchive badExecutor() {
    return Deployments.app("badexecutor", "outstore.executor=java:comp/env/concurrent/nothing\n");
  }

  @Deployment(name = "unnamed-type", managed = false, testable = false)
  static WebArchive unnamedType() {
    return Deployments.bare("unnamedtype", "", UnnamedMessage.class, UnnamedMessageObserver.class);
  }

  @Deployment(name = "async-observer", managed = false, testable = false)
  static WebArchive asyncObserver() {
    return Deployments.app("asyncobserver", "", AsyncPingObserver.class);
  }

  @ArquillianResource Deployer deployer;

  @Test
  void invalidSettingsFailDeploymentNamingEachPropertyAndValue() throws IOException {
    String failure = deployFailure("bad-config");
    assertTrue(
        failure.contains("outstore.batch-size=0: must be an integer from 1 to 10000"), failure);
    assertTrue(failure.contains("outstore.poll-interval=soon: not a duration"), failure);
    assertTrue(
        failure.contains("outstore.backoff.jitter=2: must be a number from 0 to 1"), failure);
  }

  @Test
  void anExecutorThatDoesNotExistFailsDeploymentNamingTheProperty() throws IOException {
    String failure = deployFailure("bad-executor");
    assertTrue(
        failure.contains("outstore.executor=java:comp/env/concurrent/nothing: not a"), failure);
  }

  @Test
  void anObservedMessageClassWithoutOutboxTypeFailsDeploymentNamingTheClass() throws IOException {
    String failure = deployFailure("unnamed-type");
    assertTrue(
        failure.contains(UnnamedMessage.class.getName() + " is observed by")
            && failure.contains("has no @OutboxType"),
        failure);
  }

  @Test
  void anAsyncObserverOfAMessageFailsDeploymentNamingTheObserver() throws IOException {
    String failure = deployFailure("async-observer");
    assertTrue(
        failure.contains(AsyncPingObserver.class.getName()) && failure.contains("@ObservesAsync"),
        failure);
  }

  /** Deploys, expects failure, and returns what the failure and the server log say. */
  private String deployFailure(String deployment) throws IOException {
    Path log = Path.of(System.getProperty("outstore.test.server-dir"), "logs", "messages.log");
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Exception e = assertThrows(Exception.class, () -> deployer.deploy(deployment));
    try {
      deployer.undeploy(deployment);
    } catch (RuntimeException alreadyGone) {
      // a failed deployment may leave nothing to undeploy
    }
    byte[] bytes = Files.readAllBytes(log);
    String logged =
        new String(
            bytes,
            (int) Math.min(logStart, bytes.length),
            (int) Math.max(0, bytes.length - logStart),
            StandardCharsets.UTF_8);
    StringBuilder causes = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      causes.append(t).append('\n');
    }
    return causes + logged;
  }
}
