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
    assertThat(c.http().port()).isEqualTo(9090);
    assertThat(c.http().publicUrl()).isEqualTo("https://hub.example.com");
    assertThat(c.cluster().enabled()).isTrue();
    assertThat(c.http().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(c.smtp().port()).isEqualTo(2525);
    assertThat(c.db().url()).isEmpty();
  }

  @Test
  @DisplayName("sections are read once: base URLs lose a trailing slash, and cookies are Secure behind an https public URL")
  void typedSections() {
    Config c = Config.of(Map.of("http.public_url", "https://hub.example.com/", "twilio.api_base", "http://127.0.0.1:9/",
        "meta.graph_base", "http://127.0.0.1:8/"));
    assertThat(c.http().publicUrl()).isEqualTo("https://hub.example.com");
    assertThat(c.twilio().apiBase()).isEqualTo("http://127.0.0.1:9");
    assertThat(c.meta().graphBase()).isEqualTo("http://127.0.0.1:8");
    assertThat(c.http().secureCookies()).isTrue();
    assertThat(Config.of(Map.of()).http().secureCookies()).as("http://localhost:8080 by default").isFalse();
    assertThat(c.with(Map.of("http.cookie_secure", "false")).http().secureCookies()).isFalse();
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
    assertThat(Config.load(f, Map.of()).http().port()).isEqualTo(7070);
  }
}
