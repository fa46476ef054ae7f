package io.switchboard.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

  @Test
  @DisplayName("every key has a default, and SWITCHBOARD_* variables override it with the key's type")
  void environmentOverrides() {
    Config c = Config.load(null, Map.of(
        "SWITCHBOARD_HTTP_PORT", "9090",
        "SWITCHBOARD_HTTP_PUBLIC_URL", "https://hub.example.com",
        "SWITCHBOARD_CLUSTER_ENABLED", "true",
        "SWITCHBOARD_HTTP_ALLOWED_ORIGINS", "https://a.example, https://b.example"));
    assertThat(c.integer("http.port")).isEqualTo(9090);
    assertThat(c.string("http.public_url")).isEqualTo("https://hub.example.com");
    assertThat(c.bool("cluster.enabled")).isTrue();
    assertThat(c.strings("http.allowed_origins")).containsExactly("https://a.example", "https://b.example");
    assertThat(c.integer("smtp.port")).isEqualTo(2525);
    assertThat(c.string("db.url")).isEmpty();
  }

  @Test
  @DisplayName("a number that is not a number, or an unknown key in a file, stops the start with a clear message")
  void badValuesFailLoudly() throws Exception {
    assertThatThrownBy(() -> Config.load(null, Map.of("SWITCHBOARD_HTTP_PORT", "eighty")))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    Path f = Files.createTempFile("conf", ".json");
    Files.writeString(f, "{\"http\":{\"prot\":1}}");
    assertThatThrownBy(() -> Config.load(f, Map.of())).hasMessageContaining("http.prot");
    Files.writeString(f, "{\"http\":{\"port\":7070}}");
    assertThat(Config.load(f, Map.of()).integer("http.port")).isEqualTo(7070);
  }
}
