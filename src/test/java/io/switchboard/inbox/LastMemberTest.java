package io.switchboard.inbox;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An inbox left with no members reaches nobody: the API says so before it happens, and shows it after. */
@WithHub
class LastMemberTest {

  static TestHub hub;

  @Test
  @DisplayName("removing an inbox's last active member is 409 unless ?confirm=true; member_count shows who is left")
  void lastMemberNeedsConfirmation() {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Last Member Desk");
    ApiClient agent = hub.user("last-member@guard.example", "agent");
    hub.member(inbox, agent.userId());
    assertThat(admin.get("/api/v1/inboxes/" + inbox).json().getLong("member_count")).isEqualTo(2);
    admin.delete("/api/v1/inboxes/" + inbox + "/members/" + admin.userId()).expect(204);
    assertThat(admin.get("/api/v1/inboxes/" + inbox).json().getLong("member_count")).isEqualTo(1);

    ApiClient.Response refused = admin.delete("/api/v1/inboxes/" + inbox + "/members/" + agent.userId());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("conflict");
    assertThat(refused.body()).contains("Last Member Desk").contains("confirm=true");
    assertThat(agent.get("/api/v1/inboxes/" + inbox).status()).isEqualTo(200);
    assertThat(admin.delete("/api/v1/inboxes/" + inbox + "/members/" + agent.userId() + "?confirm=maybe").expect(400).errorField())
        .isEqualTo("confirm");

    admin.delete("/api/v1/inboxes/" + inbox + "/members/" + agent.userId() + "?confirm=true").expect(204);
    assertThat(agent.get("/api/v1/inboxes/" + inbox).status()).isEqualTo(404);
    JsonObject listed = admin.get("/api/v1/inboxes?q=Last%20Member%20Desk").expect(200).items().getJsonObject(0);
    assertThat(listed.getLong("member_count")).isZero();
    // removing someone who is not a member changes nothing and needs no confirmation
    admin.delete("/api/v1/inboxes/" + inbox + "/members/" + agent.userId()).expect(204);
  }

  @Test
  @DisplayName("a deactivated member reaches nobody either: the last active member is guarded even with one left on the list")
  void deactivatedMembersDoNotCount() {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Guard With Leaver");
    ApiClient leaver = hub.user("leaver@guard.example", "agent");
    hub.member(inbox, leaver.userId());
    admin.delete("/api/v1/users/" + leaver.userId()).expect(204);
    assertThat(admin.get("/api/v1/inboxes/" + inbox).json().getLong("member_count")).isEqualTo(1);
    assertThat(admin.delete("/api/v1/inboxes/" + inbox + "/members/" + admin.userId()).status()).isEqualTo(409);
    admin.delete("/api/v1/inboxes/" + inbox + "/members/" + leaver.userId()).expect(204);
  }
}
