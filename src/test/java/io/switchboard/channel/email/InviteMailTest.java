package io.switchboard.channel.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A workspace with an outgoing mail server (an e-mail endpoint with settings.smtp) e-mails invite links. */
@WithHub("http.public_url=http://hub.example.com")
class InviteMailTest {

  static GreenMail relay;
  static TestHub hub;

  @BeforeAll
  static void setUp() {
    relay = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    relay.start();
  }

  @AfterAll
  static void stop() {
    relay.stop();
  }

  @Test
  @DisplayName("an invite is e-mailed through the workspace's SMTP server, from its address, with the link that works")
  void inviteIsMailed() throws Exception {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Invites Out");
    JsonObject first = admin.post("/api/v1/users", new JsonObject().put("email", "before-mail@invite.example").put("name", "Early")
        .put("role", "agent").put("invite", true)).expect(201).json();
    assertThat(first.getJsonObject("invite").getBoolean("emailed")).isFalse();

    Mail.endpoint(hub, inbox, "team@acme.example", new JsonObject().put("smtp", new JsonObject()
        .put("host", "127.0.0.1").put("port", relay.getSmtp().getPort()).put("security", "none")));
    JsonObject invite = admin.post("/api/v1/users", new JsonObject().put("email", "mia@invite.example").put("name", "Mia Mailed")
        .put("role", "agent").put("invite", true)).expect(201).json().getJsonObject("invite");
    assertThat(invite.getBoolean("emailed")).isTrue();
    String url = invite.getString("url");
    assertThat(url).startsWith("http://hub.example.com/#/invite/");

    MimeMessage mail = Eventually.found("the invite to reach the relay", 10_000, () -> {
      MimeMessage[] got = relay.getReceivedMessages();
      return got.length == 0 ? null : got[got.length - 1];
    });
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("mia@invite.example");
    assertThat(mail.getFrom()[0].toString()).contains("team@acme.example");
    assertThat(mail.getSubject()).contains("invited");
    String body = GreenMailUtil.getBody(mail).replace("=\r\n", "").replace("=3D", "=");
    assertThat(body).contains(url).contains("Mia Mailed").contains("Admin");

    // the mailed link is the one that works
    String token = url.substring(url.lastIndexOf('/') + 1);
    new ApiClient(hub.base()).post("/api/v1/invites/" + token + "/accept", new JsonObject().put("password", "Copper-Willow-64")).expect(200);
    hub.login("mia@invite.example", "Copper-Willow-64");
  }
}
