package io.switchboard.ops;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar, run as an operator runs it: no set-up, embedded PostgreSQL, SIGTERM to stop. */
class JarIT {

  private record Running(Process process, List<String> log, int port, Thread reader) {
  }

  @Test
  @DisplayName("java -jar on a fresh folder is ready within 60 s, keeps its data across a restart, and stops cleanly on SIGTERM")
  void runStopRestart() throws Exception {
    Path dir = Files.createTempDirectory("sb-jar");
    int port = freePort();
    Running first = start(dir, port, "jar-test-password");
    ApiClient admin = ApiClient.login("http://127.0.0.1:" + port, "admin@localhost", "jar-test-password");
    long inbox = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Survives Restarts")).expect(201).json().getLong("id");

    LiveClient socket = LiveClient.connect("ws://127.0.0.1:" + port + "/live",
        Map.of("Cookie", admin.cookieHeader()), true);
    socket.awaitType("hello");
    first.process.toHandle().destroy(); // SIGTERM
    assertThat(first.process.waitFor(40, TimeUnit.SECONDS)).as("stopped within 40 s").isTrue();
    assertThat(socket.closeCode(Duration.ofSeconds(5))).as("sockets are told to reconnect elsewhere").isEqualTo(4503);
    first.reader.join(5000);
    assertThat(String.join("\n", first.log)).contains("shutting down").contains("stopped");

    // a second start on the same folder finds its data (and does not recreate the admin)
    Running second = start(dir, port, "another-password");
    ApiClient again = ApiClient.login("http://127.0.0.1:" + port, "admin@localhost", "jar-test-password");
    assertThat(again.get("/api/v1/inboxes/" + inbox).expect(200).json().getString("name")).isEqualTo("Survives Restarts");
    second.process.toHandle().destroy();
    assertThat(second.process.waitFor(40, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("without SWITCHBOARD_ADMIN_PASSWORD the first start prints a generated admin password once, and it works")
  void generatedAdminPassword() throws Exception {
    Path dir = Files.createTempDirectory("sb-jar");
    int port = freePort();
    Running run = start(dir, port, null);
    String line = run.log.stream().filter(l -> l.contains("generated password")).findFirst().orElseThrow();
    String password = line.replaceAll(".*generated password: (\\S+).*", "$1");
    ApiClient.login("http://127.0.0.1:" + port, "admin@localhost", password).get("/api/v1/me").expect(200);
    run.process.toHandle().destroy();
    assertThat(run.process.waitFor(40, TimeUnit.SECONDS)).isTrue();
  }

  private static Running start(Path dir, int port, String adminPassword) throws Exception {
    Path jar = Path.of("target", "switchboard.jar").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", jar.toString())
        .directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("SWITCHBOARD_HTTP_PORT", String.valueOf(port));
    pb.environment().put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    pb.environment().put("SWITCHBOARD_SMTP_PORT", "0");
    pb.environment().put("SWITCHBOARD_SMTP_HOST", "127.0.0.1");
    pb.environment().remove("SWITCHBOARD_ADMIN_PASSWORD");
    if (adminPassword != null) pb.environment().put("SWITCHBOARD_ADMIN_PASSWORD", adminPassword);
    Process p = pb.start();
    List<String> log = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          log.add(line);
          System.out.println("[hub] " + line);
        }
      } catch (Exception ignored) {
        // process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    ApiClient anon = new ApiClient("http://127.0.0.1:" + port);
    Eventually.that("the hub is ready", 60_000, 250, () -> {
      if (!p.isAlive()) throw new AssertionError("the hub exited: " + String.join("\n", log));
      try {
        return anon.get("/ready").status() == 200;
      } catch (IllegalStateException notYet) {
        return false; // not listening yet
      }
    });
    assertThat(log.stream().anyMatch(l -> l.contains("switchboard listening http=" + port))).isTrue();
    return new Running(p, log, port, reader);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
