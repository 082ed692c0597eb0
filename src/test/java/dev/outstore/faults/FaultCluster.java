package dev.outstore.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * Several Open Liberty server processes with the same application and database: created from the
 * build's test server (its libraries and configuration), each with its own directory, port and
 * {@code fault.server} name.
 */
final class FaultCluster implements AutoCloseable {
  static final String APP = "faults";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path wlp;
  private final List<String> servers = new ArrayList<>();
  private final int basePort;
  private final Path war;

  FaultCluster(Path wlp, Path template, int count, int basePort, FaultDatabase db, Path war)
      throws IOException {
    this.wlp = wlp;
    this.basePort = basePort;
    this.war = war;
    for (int i = 0; i < count; i++) {
      String name = "faults-" + (i + 1);
      servers.add(name);
      Path dir = serverDir(i);
      deleteTree(dir);
      copyConfig(template, dir);
      Files.writeString(
          dir.resolve("bootstrap.properties"), "outstore.db=postgres\nhttp.port=" + port(i) + "\n");
      Files.writeString(dir.resolve("jvm.options"), "-Xmx384m\n-Dfault.server=" + name + "\n");
      Path overrides = dir.resolve("configDropins/overrides");
      Files.createDirectories(overrides);
      Files.writeString(overrides.resolve("faults.xml"), config(db));
      Files.createDirectories(dir.resolve("dropins"));
    }
  }

  private static String config(FaultDatabase db) {
    return "<server>\n"
        + "  <variable name=\"db.host\" value=\""
        + db.host()
        + "\"/>\n"
        + "  <variable name=\"db.port\" value=\""
        + db.port()
        + "\"/>\n"
        + "  <variable name=\"db.name\" value=\""
        + db.name()
        + "\"/>\n"
        + "  <variable name=\"db.user\" value=\"postgres\"/>\n"
        + "  <variable name=\"db.password\" value=\"\"/>\n"
        + "  <applicationMonitor updateTrigger=\"polled\" pollingRate=\"500ms\""
        + " dropinsEnabled=\"true\"/>\n"
        + "  <dataSource id=\"faultsNonTx\" jndiName=\"jdbc/faultsNonTx\" transactional=\"false\""
        + " type=\"javax.sql.ConnectionPoolDataSource\">\n"
        + "    <jdbcDriver libraryRef=\"postgresLib\"/>\n"
        + "    <properties.postgresql serverName=\"${db.host}\" portNumber=\"${db.port}\""
        + " databaseName=\"${db.name}\" user=\"${db.user}\" password=\"${db.password}\"/>\n"
        + "  </dataSource>\n"
        + "</server>\n";
  }

  int size() {
    return servers.size();
  }

  String name(int i) {
    return servers.get(i);
  }

  int port(int i) {
    return basePort + i;
  }

  Path serverDir(int i) {
    return wlp.resolve("usr/servers/" + servers.get(i));
  }

  /** Starts every server with the application and waits until each answers. */
  void startAll() {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      int server = i;
      starts.add(CompletableFuture.runAsync(() -> start(server)));
    }
    starts.forEach(CompletableFuture::join);
  }

  void start(int i) {
    try {
      Files.copy(
          war,
          serverDir(i).resolve("dropins/" + APP + ".war"),
          StandardCopyOption.REPLACE_EXISTING);
      serverCommand("start", i);
      awaitApplication(i, true);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot start " + name(i), e);
    }
  }

  void stopAll() {
    for (int i = 0; i < servers.size(); i++) {
      try {
        serverCommand("stop", i);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("cannot stop " + name(i), e);
      }
    }
  }

  /** SIGKILL, as a crash would end the server: no shutdown hooks, connections dropped by the OS. */
  void kill(int i) throws IOException {
    long pid = pid(i);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  long pid(int i) throws IOException {
    return Long.parseLong(
        Files.readString(wlp.resolve("usr/servers/.pid/" + name(i) + ".pid")).trim());
  }

  /** Removes the application from a running server, waits until it is gone, and adds it back. */
  void redeploy(int i) throws IOException {
    undeploy(i);
    Files.copy(
        war, serverDir(i).resolve("dropins/" + APP + ".war"), StandardCopyOption.REPLACE_EXISTING);
    awaitApplication(i, true);
  }

  void undeploy(int i) throws IOException {
    Files.delete(serverDir(i).resolve("dropins/" + APP + ".war"));
    awaitApplication(i, false);
  }

  /** The JVM threads of a server that are running outstore code right now. */
  long threadsInOutstore(int i) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid(i)), "Thread.print").start();
    String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return Stream.of(dump.split("\n\n")).filter(t -> t.contains("dev.outstore.internal")).count();
  }

  private void awaitApplication(int i, boolean up) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> answers(i) == up);
  }

  boolean answers(int i) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url(i) + "/drive"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String url(int i) {
    return "http://localhost:" + port(i) + "/" + APP;
  }

  private void serverCommand(String command, int i) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(wlp.resolve("bin/server").toString(), command, name(i))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(serverDir(i).resolve("command.log").toFile()))
            .start();
    p.waitFor();
  }

  private static void copyConfig(Path template, Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(template)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path relative = template.relativize(source);
        String top = relative.getNameCount() > 0 ? relative.getName(0).toString() : "";
        if (List.of("logs", "workarea", "dropins", "apps", "configDropins", "tranlog")
            .contains(top)) {
          continue;
        }
        Path target = dir.resolve(relative);
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Stops every server and keeps its logs in {@code target/faults/logs/<war name>/<server>}. */
  @Override
  public void close() {
    stopAll();
    String scenario = war.getFileName().toString().replaceFirst("\\.war$", "");
    for (int i = 0; i < servers.size(); i++) {
      Path logs = serverDir(i).resolve("logs");
      Path kept = war.resolveSibling("logs").resolve(scenario).resolve(name(i));
      try {
        deleteTree(kept);
        Files.createDirectories(kept);
        try (Stream<Path> files = Files.list(logs)) {
          for (Path log : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
            Files.copy(log, kept.resolve(log.getFileName()));
          }
        }
      } catch (IOException e) {
        System.out.println("fault suite: cannot keep the logs of " + name(i) + ": " + e);
      }
    }
  }
}
