package io.switchboard.inbox;

import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With secrets.key, provider tokens and passwords are sealed in PostgreSQL and still work for the hub. */
class SecretBoxTest {

  static String newKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  static String storedSecrets(String dbUrl, long endpoint) throws Exception {
    try (Connection c = TestDatabase.connect(dbUrl);
         ResultSet rs = c.createStatement().executeQuery("SELECT secrets::text FROM endpoint WHERE id = " + endpoint)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @Test
  @DisplayName("secrets stored in the clear are sealed when a key is set; the hub keeps using them; without the key it will not start")
  void sealsAndOpens() throws Exception {
    String key = newKey();
    String dbUrl;
    JsonObject api;
    long phone;
    try (TestHub plain = TestHub.start()) {
      dbUrl = plain.dbUrl;
      long inbox = plain.inbox("Sealed");
      api = plain.apiEndpoint(inbox, null);
      phone = plain.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone")
          .put("address", "+12025550199").put("settings", new JsonObject().put("account_sid", "AC1")
              .put("auth_token", "twilio-token-123"))).expect(201).json().getLong("id");
      assertThat(storedSecrets(dbUrl, phone)).contains("twilio-token-123");
    }

    try (TestHub sealed = TestHub.start(Map.of("db.url", dbUrl, "secrets.key", key))) {
      String phoneRow = storedSecrets(dbUrl, phone);
      String apiRow = storedSecrets(dbUrl, api.getLong("id"));
      assertThat(phoneRow).contains("sealed").doesNotContain("twilio-token-123");
      assertThat(apiRow).contains("sealed").doesNotContain(api.getString("secret"));
      // the sealed bearer secret still lets the integration in, and a wrong one still does not
      assertThat(sealed.ingestApi(api, "ext-1", "hello", "m-1").status()).isEqualTo(200);
      assertThat(sealed.ingestApi(api.copy().put("secret", "wrong"), "ext-1", "hello", "m-2").status()).isEqualTo(401);
      JsonObject shown = sealed.admin().get("/api/v1/endpoints/" + phone).expect(200).json();
      assertThat(shown.getJsonArray("secrets_set")).contains("auth_token");
      assertThat(shown.encode()).doesNotContain("twilio-token-123").doesNotContain("sealed");
      // a change of settings keeps the sealed token and seals anew
      sealed.admin().patch("/api/v1/endpoints/" + phone, new JsonObject().put("settings", new JsonObject().put("account_sid", "AC2")))
          .expect(200);
      String after = storedSecrets(dbUrl, phone);
      assertThat(after).contains("sealed").isNotEqualTo(phoneRow).doesNotContain("twilio-token-123");
      assertThat(sealed.admin().get("/api/v1/endpoints/" + phone).expect(200).json().getJsonArray("secrets_set")).contains("auth_token");
      // new endpoints are sealed from the start
      JsonObject second = sealed.apiEndpoint(sealed.inbox("Sealed too"), null);
      assertThat(storedSecrets(dbUrl, second.getLong("id"))).contains("sealed").doesNotContain(second.getString("secret"));
      assertThat(sealed.ingestApi(second, "ext-2", "hi", "m-3").status()).isEqualTo(200);
    }

    assertThatThrownBy(() -> TestHub.start(Map.of("db.url", dbUrl)).close())
        .rootCause().hasMessageContaining("secrets.key is not set");
    assertThatThrownBy(() -> TestHub.start(Map.of("db.url", dbUrl, "secrets.key", newKey())).close())
        .rootCause().hasMessageContaining("not the key");
    assertThatThrownBy(() -> TestHub.start(Map.of("db.url", dbUrl, "secrets.key", "c2hvcnQ=")).close())
        .rootCause().hasMessageContaining("32 random bytes");

    // a change of key: the old one as previous_key once, and every secret is sealed anew under the new one
    String next = newKey();
    String before = storedSecrets(dbUrl, phone);
    TestHub.start(Map.of("db.url", dbUrl, "secrets.key", next, "secrets.previous_key", key)).close();
    assertThat(storedSecrets(dbUrl, phone)).contains("sealed").isNotEqualTo(before);
    try (TestHub rotated = TestHub.start(Map.of("db.url", dbUrl, "secrets.key", next))) {
      assertThat(rotated.ingestApi(api, "ext-3", "after the change", "m-4").status()).isEqualTo(200);
    }
  }
}
