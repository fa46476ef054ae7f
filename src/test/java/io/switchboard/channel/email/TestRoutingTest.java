package io.switchboard.channel.email;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The "test routing" action on an inbox. */
@WithHub
class TestRoutingTest {

  static TestHub hub;

  @Test
  @DisplayName("test routing sends a mail through the SMTP listener and reports the conversation it landed in")
  void reportsConversation() {
    long inbox = hub.inbox("Routing");
    long endpoint = Mail.endpoint(hub, inbox, "route@routing.test", null).getLong("id");
    ApiClient admin = hub.admin();
    JsonObject r = admin.post("/api/v1/inboxes/" + inbox + "/test-routing", null).expect(200).json();
    assertThat(r.getBoolean("delivered")).isTrue();
    assertThat(r.getJsonObject("endpoint").getLong("id")).isEqualTo(endpoint);
    assertThat(r.getLong("inbox_id")).isEqualTo(inbox);
    long conversation = r.getLong("conversation_id");
    JsonObject conv = admin.get("/api/v1/conversations/" + conversation).expect(200).json();
    assertThat(conv.getLong("inbox_id")).isEqualTo(inbox);
    assertThat(conv.getString("subject")).startsWith("Routing test");
    JsonObject a = Mail.activities(admin, conversation).getJsonObject(0);
    assertThat(a.getLong("id")).isEqualTo(r.getLong("activity_id"));
    assertThat(a.getJsonObject("data").getJsonObject("email").getString("source")).isEqualTo("smtp");
  }

  @Test
  @DisplayName("test routing needs settings.manage and an inbox with an email address")
  void refusals() {
    long inbox = hub.inbox("No Mail");
    assertThat(hub.admin().post("/api/v1/inboxes/" + inbox + "/test-routing", null).status()).isEqualTo(409);
    ApiClient agent = hub.user("router@example.com", "agent");
    hub.member(inbox, agent.userId());
    assertThat(agent.post("/api/v1/inboxes/" + inbox + "/test-routing", null).status()).isEqualTo(403);
  }
}
