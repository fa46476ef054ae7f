package io.switchboard.auth;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wherever a password is set, the common ones and ones made of the e-mail address are refused, saying why. */
@WithHub
class PasswordRulesTest {

  static TestHub hub;

  private static Response create(String email, String password) {
    return hub.admin().post("/api/v1/users", new JsonObject().put("email", email).put("name", "New").put("role", "agent")
        .put("password", password));
  }

  private static void refused(Response r, String why) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("validation");
    assertThat(r.errorField()).isEqualTo("password");
    assertThat(r.json().getJsonObject("error").getString("message")).contains(why);
  }

  @Test
  @DisplayName("a new user's password may not be a common one, in any case")
  void commonPasswordsAreRefused() {
    for (String common : new String[] {"password1", "qwerty123", "Sunshine", "FOOTBALL", "1q2w3e4r", "iloveyou"}) {
      refused(create("common@example.com", common), "common");
    }
    create("common@example.com", "violet-harbour-lamp").expect(201);
  }

  @Test
  @DisplayName("a password may not be, or contain, the e-mail address or the part before the @")
  void emailIsRefused() {
    refused(create("jane.doe@example.com", "jane.doe@example.com"), "e-mail");
    refused(create("jane.doe@example.com", "JANE.DOE@EXAMPLE.COM!"), "e-mail");
    refused(create("jane.doe@example.com", "Jane.Doe"), "e-mail");
    refused(create("jane.doe@example.com", "my-jane.doe-2024"), "e-mail");
    create("jane.doe@example.com", "doe-jane-2024-x").expect(201);
  }

  @Test
  @DisplayName("an admin's reset and one's own change follow the same rules; the old password keeps working")
  void changesFollowTheRules() {
    ApiClient pat = hub.user("pat.smith@example.com", "agent");
    refused(hub.admin().patch("/api/v1/users/" + pat.userId(), new JsonObject().put("password", "baseball")), "common");
    refused(hub.admin().patch("/api/v1/users/" + pat.userId(), new JsonObject().put("password", "Pat.Smith-1")), "e-mail");
    refused(pat.patch("/api/v1/me", new JsonObject().put("password", "whatever")
        .put("current_password", TestHub.password("pat.smith@example.com"))), "common");
    refused(pat.patch("/api/v1/me", new JsonObject().put("password", "pat.smith@example.com")
        .put("current_password", TestHub.password("pat.smith@example.com"))), "e-mail");
    // a changed e-mail is what the new password is held against
    refused(hub.admin().patch("/api/v1/users/" + pat.userId(), new JsonObject().put("email", "patricia@example.com")
        .put("password", "Patricia-2024")), "e-mail");
    hub.login("pat.smith@example.com", TestHub.password("pat.smith@example.com")).get("/api/v1/me").expect(200);
  }

  @Test
  @DisplayName("a first admin password from the configuration that the rules refuse stops the first start, naming the key")
  void weakConfiguredAdminPassword() {
    assertThatThrownBy(() -> TestHub.start(Map.of("admin.password", "password1")).close())
        .hasStackTraceContaining("admin.password").hasStackTraceContaining("common");
    assertThatThrownBy(() -> TestHub.start(Map.of("admin.password", "admin@localhost-1")).close())
        .hasStackTraceContaining("admin.password").hasStackTraceContaining("e-mail");
  }

  @Test
  @DisplayName("on a hub that already has its admin, admin.password is not used, so it is not checked either")
  void configuredAdminPasswordOnlyCountsOnFirstStart() {
    try (TestHub again = TestHub.start(Map.of("db.url", hub.dbUrl, "admin.password", "password1"))) {
      again.admin().get("/api/v1/me").expect(200);
    }
  }
}
