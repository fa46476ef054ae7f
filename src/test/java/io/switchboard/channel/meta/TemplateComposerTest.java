package io.switchboard.channel.meta;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.switchboard.web.AgentApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.switchboard.channel.meta.MetaPayloads.contact;
import static io.switchboard.channel.meta.MetaPayloads.deliver;
import static io.switchboard.channel.meta.MetaPayloads.text;
import static io.switchboard.channel.meta.MetaPayloads.whatsapp;
import static org.assertj.core.api.Assertions.assertThat;

/** An agent answers a WhatsApp customer after the 24-hour window with an approved template, in a real browser. */
@WithHub("meta.app_secret=" + MetaPayloads.APP_SECRET)
@WithBrowser
class TemplateComposerTest {

  static GraphServer graph;
  static TestHub hub;
  static Browser browser;

  /** The Graph API is a stand-in on this machine. */
  @HubConfig
  static Map<String, Object> config() throws Exception {
    graph = new GraphServer("wa-token");
    return Map.of("meta.graph_base", graph.base());
  }

  @BeforeAll
  static void setUp() {
    long inbox = hub.inbox("WhatsApp");
    hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "whatsapp").put("address", "1300003")
        .put("settings", new JsonObject().put("access_token", "wa-token").put("waba_id", "7770001"))).expect(201);
    graph.templates.put("7770001", new JsonObject().put("data", new JsonArray()
        .add(new JsonObject().put("name", "order_update").put("language", "en_US").put("status", "APPROVED")
            .put("components", new JsonArray().add(new JsonObject().put("type", "BODY").put("text", "Hi {{1}}, order {{2}} has shipped."))))));
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  @AfterAll
  static void stop() throws Exception {
    graph.close();
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  @Test
  @DisplayName("the composer's template picker lists approved templates, shows the filled text, and sends it past the 24-hour window")
  void sendTemplate() throws Exception {
    deliver(hub, whatsapp("1300003", contact("31677000001", "Carla"), new JsonArray().add(text("wamid.T1", "31677000001", "hello")), null));
    ApiClient admin = hub.admin();
    long conv = admin.get("/api/v1/conversations?channel=whatsapp").expect(200).items().getJsonObject(0).getLong("id");
    MetaOutboundTest.incomingHoursAgo(hub, conv, 30);

    Browser b = browser;
    AgentApp.openConversation(b, conv);
    b.click(".composer [data-action=template]");
    b.await("dialog[open] form[data-form=template] select[name=template]");
    assertThat(b.text("dialog[open] form[data-form=template]")).doesNotContain("null");
    b.type("dialog[open] input[name=value]:nth-of-type(1)", "Carla");
    b.all("dialog[open] input[name=value]").get(1).sendKeys("#1234");
    b.awaitText("dialog[open] .template-preview", "Hi Carla, order #1234 has shipped.");
    b.screenshot("whatsapp-template");
    b.click("dialog[open] button[type=submit]");
    b.until("the dialog closes", Duration.ofSeconds(10), () -> !b.present("dialog[open]"));

    GraphServer.Call call = graph.await(c -> c.body().contains("order_update"), Duration.ofSeconds(10));
    JsonObject template = call.json().getJsonObject("template");
    assertThat(template.getJsonArray("components").getJsonObject(0).getJsonArray("parameters").getJsonObject(1).getString("text"))
        .isEqualTo("#1234");
    b.awaitText(".history", "Hi Carla, order #1234 has shipped.");
  }
}
