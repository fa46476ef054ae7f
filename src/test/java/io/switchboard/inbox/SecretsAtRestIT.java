package io.switchboard.inbox;

import io.switchboard.testing.JarHub;
import io.switchboard.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider secrets at rest, with the packaged jar: sealed on the embedded database without any set-up. */
class SecretsAtRestIT {

  private static final String TOKEN = "twilio-auth-token-7f3a9c1e5b";
  private final List<Path> folders = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    folders.forEach(JarHub::cleanUp);
  }

  private Path folder() throws Exception {
    Path f = Files.createTempDirectory("sb-secrets");
    folders.add(f);
    return f;
  }

  @Test
  @DisplayName("on the embedded database, endpoint secrets are sealed with a generated key: neither the rows nor the database files hold them; a restart still uses them")
  void embeddedHubSealsWithoutConfiguration() throws Exception {
    Path folder = folder();
    JarHub first = JarHub.start(folder, Map.of(), Duration.ofSeconds(90));
    JsonObject api = first.apiEndpoint("Sealed");
    long inbox = api.getLong("inbox_id");
    long phone = first.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone")
        .put("address", "+12025550123").put("settings", new JsonObject().put("account_sid", "AC123").put("auth_token", TOKEN)))
        .expect(201).json().getLong("id");
    String secret = api.getString("secret");
    first.ingest(api, secret, "hello", "m-1").expect(200);

    Path pg = first.pgDir();
    try (Connection c = JarHub.connect(pg, "postgres", JarHub.pgPassword(folder))) {
      assertThat(storedSecrets(c, phone)).contains("sealed").doesNotContain(TOKEN);
      assertThat(storedSecrets(c, api.getLong("id"))).contains("sealed").doesNotContain(secret);
      c.createStatement().execute("CHECKPOINT");
    }
    assertThat(filesContaining(pg, TOKEN)).as("database files holding the provider token").isEmpty();
    assertThat(filesContaining(pg, secret)).as("database files holding the API secret").isEmpty();
    Path keyFile = folder.resolve("data").resolve("secrets.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

    // a row as a version without sealing stored it
    try (Connection c = JarHub.connect(pg, "postgres", JarHub.pgPassword(folder))) {
      c.createStatement().execute("UPDATE endpoint SET secrets = '{\"auth_token\":\"" + TOKEN + "\"}' WHERE id = " + phone);
    }
    first.stop();

    JarHub second = JarHub.start(folder, Map.of(), Duration.ofSeconds(60));
    assertThat(second.logText()).contains("sealed the stored secrets of 1 endpoints");
    try (Connection c = JarHub.connect(pg, "postgres", JarHub.pgPassword(folder))) {
      assertThat(storedSecrets(c, phone)).contains("sealed").doesNotContain(TOKEN);
    }
    assertThat(second.ingest(api, secret, "after the restart", "m-2").status()).isEqualTo(200);
    assertThat(second.ingest(api, "wrong-secret", "intruder", "m-3").status()).isEqualTo(401);
    assertThat(second.admin().get("/api/v1/endpoints/" + phone).expect(200).json().getJsonArray("secrets_set")).contains("auth_token");
    second.stop();
  }

  @Test
  @DisplayName("on an external database without secrets.key the start warns that secrets are stored in the clear; with the key it does not")
  void externalDatabaseWarnsWithoutKey() throws Exception {
    String url = TestDatabase.fresh();
    JarHub clear = JarHub.start(folder(), Map.of("SWITCHBOARD_DB_URL", url), Duration.ofSeconds(60));
    clear.stop();
    assertThat(clear.logText()).contains("WARN").contains("secrets.key is not set: endpoint secrets");

    JarHub sealed = JarHub.start(folder(), Map.of("SWITCHBOARD_DB_URL", url, "SWITCHBOARD_SECRETS_KEY", SecretBox.newKey()),
        Duration.ofSeconds(60));
    sealed.stop();
    assertThat(sealed.logText()).doesNotContain("secrets.key is not set");
  }

  private static String storedSecrets(Connection c, long endpoint) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT secrets::text FROM endpoint WHERE id = " + endpoint)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  /** The files under {@code dir} whose bytes contain {@code text}: what a copy of the database files gives away. */
  private static List<Path> filesContaining(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(f);
        } catch (IOException gone) {
          continue; // a temporary file the server removed meanwhile
        }
        if (indexOf(bytes, needle) >= 0) found.add(dir.relativize(f));
      }
    }
    return found;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
