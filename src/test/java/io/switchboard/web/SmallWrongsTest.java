package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Words on screen that named one thing three ways, or showed an id where a person was meant. */
@WithHub
@WithBrowser
class SmallWrongsTest {

  static TestHub hub;
  static Browser browser;

  @BeforeAll
  static void signIn() {
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  @Test
  @DisplayName("the merge confirmation names both contacts, each once and by what tells them apart, never \"null\"")
  void mergeConfirmationNamesBoth() {
    ApiClient admin = hub.admin();
    long kept = admin.post("/api/v1/contacts", new JsonObject().put("name", "Jan de Vries").put("email", "jan@vries.example"))
        .expect(201).json().getLong("id");
    admin.post("/api/v1/contacts", new JsonObject().put("phone", "+31612345678")).expect(201);
    Browser b = browser;
    b.open("/#/contacts/" + kept);
    b.await("[data-action=merge]").click();
    b.type("dialog[open] input[type=search]", "+316123");
    b.await("dialog[open] .choice-list .choice").click();
    String confirm = b.awaitText("dialog[open]", "Merge these two contacts?").getText();
    assertThat(confirm).contains("+31612345678 will be merged into Jan de Vries (jan@vries.example)")
        .doesNotContain("null").doesNotContain("undefined");
    b.click("dialog[open] .dialog-actions .btn:not([data-confirm])");
  }

  @Test
  @DisplayName("a website visitor's conversation is headed by their name and \"website visitor\", not by the raw visitor id")
  void visitorHeader() {
    long inbox = hub.inbox("Visitor Desk");
    JsonObject widget = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget")
        .put("name", "Shop chat")).expect(201).json();
    String visitorId;
    try (LiveClient visitor = LiveClient.connect(hub.wsUrl("/widget/ws?key=" + widget.getString("key")),
        Map.of("Origin", "https://shop.example"), true)) {
      visitor.send(new JsonObject().put("op", "hello"));
      visitorId = visitor.await(f -> "hello".equals(f.getString("type")), Duration.ofSeconds(10)).getJsonObject("visitor").getString("id");
      visitor.send(new JsonObject().put("op", "message").put("id", "w-1").put("text", "Is the blue kettle in stock?"));
      visitor.await(f -> "ack".equals(f.getString("type")), Duration.ofSeconds(10));
    }
    long conversation = Eventually.found("the visitor's conversation", 10_000, () -> {
      var items = hub.admin().get("/api/v1/conversations?inbox=" + inbox).expect(200).items();
      return items.isEmpty() ? null : items.getJsonObject(0).getLong("id");
    });
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    String header = b.await(".conv-header .conv-title").getText();
    assertThat(visitorId).startsWith("v_");
    assertThat(header).contains("Visitor " + visitorId.substring(2, 6).toUpperCase()).contains("website visitor")
        .doesNotContain(visitorId);
    assertThat(b.text(AgentApp.row(conversation))).doesNotContain(visitorId);
  }
}
