package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.CallbackServer.Answer;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The contact view: the chat with its channel tabs, filter, history and composer, and the sidebar. */
@WithHub({"outbox.max_attempts=2", "outbox.backoff_ms=100"})
@WithBrowser
class ContactViewTest {

  static TestHub hub;
  static Browser browser;
  static CallbackServer crm;
  static long inbox;
  static JsonObject shop;
  static JsonObject app;

  @BeforeAll
  static void setUp() {
    crm = new CallbackServer();
    crm.answer(r -> r.path().equals("/refuse") ? new Answer(400, "{\"error\":\"unknown customer\"}", "application/json")
        : Answer.ok("{\"id\":\"crm-1\"}"));
    inbox = hub.inbox("Contact Desk");
    shop = named(hub.apiEndpoint(inbox, crm.url("/ok")), "Web shop");
    app = named(hub.apiEndpoint(inbox, crm.url("/ok")), "Mobile app");
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  static JsonObject named(JsonObject ep, String name) {
    hub.admin().patch("/api/v1/endpoints/" + ep.getLong("id"), new JsonObject().put("name", name)).expect(200);
    return ep;
  }

  @AfterAll
  static void stop() {
    crm.close();
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
    assertThat(browser.alertOpen()).as("no alert, confirm or prompt").isFalse();
  }

  static long ingest(JsonObject ep, String from, String text) {
    return hub.ingestApi(ep, from, text, from + "-" + text.hashCode()).expect(200).json().getLong("conversation_id");
  }

  @Test
  @DisplayName("a reply with an attachment goes out on the conversation's channel and shows sent")
  void replyShowsSent() throws Exception {
    long conversation = ingest(shop, "cv-reply", "Where is my parcel?");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    assertThat(b.text(".from-picker")).contains("Web shop");

    Path file = Files.createTempFile("invoice", ".txt");
    Files.writeString(file, "invoice 42");
    b.find(".composer input[type=file]").sendKeys(file.toAbsolutePath().toString());
    b.await(".upload[data-state=ready]");
    long id = AgentApp.reply(b, "It left our warehouse on Tuesday.");
    b.await(AgentApp.activity(id) + " .delivery[data-status=sent]");
    b.until("the sent reply lists its file", () -> b.text(AgentApp.activity(id)).contains(file.getFileName().toString()));
    CallbackServer.Received got = crm.await(r -> r.body().contains("It left our warehouse"), 10_000);
    assertThat(new JsonObject(got.body()).getString("to")).isEqualTo("cv-reply");
    assertThat(b.all(".history .activity.dir-out")).hasSize(1);
    b.screenshot("contact-view");
  }

  @Test
  @DisplayName("a reply the integration refuses shows failed, with the reason in words and the answer under Details")
  void replyShowsFailure() {
    JsonObject refusing = named(hub.apiEndpoint(inbox, crm.url("/refuse")), "Refusing CRM");
    long conversation = ingest(refusing, "cv-fail", "hello");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    String activity = AgentApp.activity(AgentApp.reply(b, "this one will bounce"));
    b.await(activity + " .delivery[data-status=failed]");
    assertThat(b.text(activity + " .delivery-error")).startsWith("The integration refused this message.");
    b.click(activity + " .delivery-details summary");
    b.awaitText(activity + " .delivery-details p", "400");
  }

  @Test
  @DisplayName("channel tabs switch between the contact's conversations, and + starts one on another endpoint")
  void channelTabs() {
    long viaShop = ingest(shop, "cv-tabs", "asked in the shop");
    long viaApp = ingest(app, "cv-tabs", "asked in the app");
    JsonObject partner = named(hub.apiEndpoint(inbox, crm.url("/ok")), "Partner portal");
    Browser b = browser;
    AgentApp.openConversation(b, viaShop);
    b.awaitText(".history", "asked in the shop");
    b.until("two channel tabs, the web shop's selected", () -> b.all(".channel-tab[data-conversation]").size() == 2
        && b.text(".channel-tab[aria-selected=true]").contains("Web shop"));

    b.click(".channel-tab[data-conversation='" + viaApp + "']");
    b.await(".channel-tab[aria-selected=true][data-conversation='" + viaApp + "']");
    b.awaitText(".history", "asked in the app");
    assertThat(b.text(".history")).doesNotContain("asked in the shop");
    assertThat(b.driver.getCurrentUrl()).endsWith("/c/" + viaApp);
    assertThat(b.text(".from-picker")).contains("Mobile app");

    b.click(".tab-new");
    b.click(".choice[data-endpoint='" + partner.getLong("id") + "']");
    b.until("a third tab opens on the partner portal", () -> b.all(".channel-tab[data-conversation]").size() == 3
        && b.text(".channel-tab[aria-selected=true]").contains("Partner portal"));
    assertThat(b.present(".choice[data-endpoint='" + shop.getLong("id") + "']")).isFalse();
  }

  @Test
  @DisplayName("the activity filter shows only notes, only system entries, or everything")
  void filterByNotes() {
    long conversation = ingest(shop, "cv-filter", "a customer message");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    b.click(".composer-tab[data-mode=note]");
    b.type(".composer-text", "Internal: customer is a reseller");
    b.click(".send-btn");
    b.awaitText(".activity.kind-note", "customer is a reseller");
    hub.admin().put("/api/v1/conversations/" + conversation + "/tags/reseller").expect(200);
    b.awaitText(".activity.kind-system", "added the tag reseller");

    b.click(".seg[data-kind=notes]");
    b.until("only notes are shown", () -> !b.present(".history .kind-message") && !b.present(".history .kind-system")
        && b.present(".history .kind-note"));
    assertThat(b.text(".history")).contains("customer is a reseller").doesNotContain("a customer message");
    // a note added while filtered shows; a message does not
    ingest(shop, "cv-filter", "another customer message");
    hub.admin().post("/api/v1/conversations/" + conversation + "/notes", new JsonObject().put("text", "second note")).expect(201);
    b.awaitText(".history", "second note");
    assertThat(b.text(".history")).doesNotContain("another customer message");

    b.click(".seg[data-kind=system]");
    b.until("only system entries are shown", () -> b.present(".history .kind-system") && !b.present(".history .kind-note"));
    b.click(".seg[data-kind=all]");
    b.awaitText(".history", "another customer message");
    assertThat(b.text(".history")).contains("customer is a reseller", "a customer message", "added the tag reseller");
  }

  @Test
  @DisplayName("a disabled endpoint's tab shows why; its reply box is disabled until it is enabled again, live")
  void disabledEndpoint() {
    JsonObject old = named(hub.apiEndpoint(inbox, crm.url("/ok")), "Old line");
    long conversation = ingest(old, "cv-disabled", "hello on the old line");
    hub.admin().patch("/api/v1/endpoints/" + old.getLong("id"),
        new JsonObject().put("enabled", false).put("disabled_reason", "Number ported to another provider")).expect(200);
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    WebElement tab = b.await(".channel-tab.is-disabled[aria-selected=true]");
    assertThat(tab.getAttribute("title")).contains("Number ported to another provider");
    assertThat(b.await(".composer-disabled").getText()).contains("Number ported to another provider");
    b.click(".composer-tab[data-mode=reply]");
    assertThat(b.find(".composer-text").isEnabled()).isFalse();
    assertThat(b.find(".send-btn").isEnabled()).isFalse();
    b.click(".composer-tab[data-mode=note]");
    assertThat(b.find(".composer-text").isEnabled()).isTrue();

    hub.admin().patch("/api/v1/endpoints/" + old.getLong("id"), new JsonObject().put("enabled", true)).expect(200);
    b.until("the reply box opens again", () -> !b.present(".channel-tab.is-disabled"));
    b.click(".composer-tab[data-mode=reply]");
    assertThat(b.find(".composer-text").isEnabled()).isTrue();
  }

  @Test
  @DisplayName("message text that looks like HTML shows as text, and e-mail HTML renders in a frame that cannot run scripts")
  void safeRendering() {
    String evil = "<img src=x onerror=alert(1)>";
    long conversation = ingest(shop, "cv-xss", evil);
    Browser b = browser;
    AgentApp.openInbox(b, inbox);
    assertThat(b.await(AgentApp.row(conversation)).getText()).contains(evil);
    ApiClient.bearer(hub.base(), shop.getString("secret")).post("/hooks/api/" + shop.getString("key"), new JsonObject()
        .put("from", "cv-xss").put("name", "Mallory").put("external_id", "cv-xss-html").put("subject", "Newsletter")
        .put("html", "<p>Hello <b id=bold>bold</b></p><script>window.parent.__pwned = 'script'</script>"
            + "<img src=x onerror=\"window.parent.__pwned = 'onerror'\"><a href=\"https://example.com/\">a link</a>"))
        .expect(200);
    AgentApp.openConversation(b, conversation);
    WebElement text = b.awaitText(".history .msg-text", "<img");
    assertThat(text.getText()).isEqualTo(evil);
    assertThat(b.all("img[src='x']")).as("no image element was made from the text").isEmpty();

    WebElement frame = b.await(".history iframe.email-frame");
    assertThat(frame.getAttribute("sandbox")).isNotNull().doesNotContain("allow-scripts");
    b.driver.switchTo().frame(frame);
    try {
      // the hub keeps the formatting (an id is dropped when the HTML is cleaned at ingest)
      assertThat(b.await("p > b").getText()).isEqualTo("bold");
      assertThat(b.attribute("a", "target")).isEqualTo("_blank");
    } finally {
      b.driver.switchTo().defaultContent();
    }
    assertThat(b.js("return window.__pwned === undefined")).as("nothing in the message ran").isEqualTo(true);
    assertThat(b.alertOpen()).isFalse();
    // the only complaints are the browser refusing the e-mail's script, as it should
    assertThat(b.pageErrors()).allMatch(e -> e.contains("sandboxed") || e.contains("about:srcdoc"));
  }

  @Test
  @DisplayName("editing a contact's company in the sidebar saves it")
  void editContactField() {
    long conversation = ingest(shop, "cv-edit", "please update my company");
    long contact = hub.admin().get("/api/v1/conversations/" + conversation).expect(200).json().getLong("contact_id");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    b.click(".side-section[data-section=profile] .inline-edit[data-field=company]");
    WebElement input = b.await(".side-section[data-section=profile] input[data-field=company]");
    input.sendKeys("Acme Trading");
    input.sendKeys(org.openqa.selenium.Keys.ENTER);
    b.awaitText(".side-section[data-section=profile] .inline-edit[data-field=company]", "Acme Trading");
    assertThat(hub.admin().get("/api/v1/contacts/" + contact).expect(200).json().getString("company")).isEqualTo("Acme Trading");
  }

  @Test
  @DisplayName("a scheduled message is deleted from the sidebar only after confirming")
  void deleteScheduledMessage() {
    long conversation = ingest(shop, "cv-scheduled", "remind me tomorrow");
    hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "Your reminder")
        .put("send_at", Instant.now().plus(Duration.ofDays(1)).toString())).expect(201);
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    String item = ".side-section[data-section=scheduled] .scheduled[data-status=pending]";
    b.awaitText(item, "Your reminder");

    b.click(item + " [data-action=delete-scheduled]");
    b.awaitText("dialog[open]", "will not be sent");
    b.click("dialog[open] .btn:not([data-confirm])");
    assertThat(b.present("dialog[open]")).isFalse();
    assertThat(b.present(item)).as("cancelling keeps it").isTrue();

    b.click(item + " [data-action=delete-scheduled]");
    b.click("dialog[open] [data-confirm]");
    b.until("the scheduled message is gone", () -> !b.present(item));
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/scheduled").expect(200).items().stream()
        .map(o -> ((JsonObject) o).getString("status")).filter("pending"::equals).count()).isZero();
  }

  @Test
  @DisplayName("opportunities: added and edited in the sidebar, counted, and hidden by the active switch once won")
  void opportunities() {
    long conversation = ingest(shop, "cv-opportunity", "we need 40 seats");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    String section = ".side-section[data-section=opportunities]";
    b.click(section + " [data-action=add-opportunity]");
    b.type("dialog[open] input[name=title]", "40 seats");
    b.type("dialog[open] input[name=value]", "12000");
    b.type("dialog[open] input[name=stage]", "proposal");
    b.click("dialog[open] button[type=submit]");
    b.awaitText(section + " .opportunity", "40 seats");
    assertThat(b.text(section + " .section-count")).isEqualTo("1");
    assertThat(b.text(section + " .opportunity")).contains("12000", "EUR", "proposal", "active");

    b.click(section + " .opportunity .icon-btn");
    new org.openqa.selenium.support.ui.Select(b.await("dialog[open] select[name=status]")).selectByValue("won");
    b.click("dialog[open] button[type=submit]");
    b.until("a won opportunity leaves the active list", () -> !b.present(section + " .opportunity"));
    assertThat(b.text(section + " .section-count")).isEqualTo("0");
    b.click(section + " .switch input");
    assertThat(b.awaitText(section + " .opportunity", "40 seats").getText()).contains("won");
  }

  @Test
  @DisplayName("snoozing asks until when; assigning to oneself and resolving show in the history")
  void statusAndAssignee() {
    long conversation = ingest(shop, "cv-status", "no rush");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    new org.openqa.selenium.support.ui.Select(b.find(".status-select")).selectByValue("snoozed");
    WebElement until = b.await("dialog[open] input[type=datetime-local]");
    assertThat(until.getAttribute("value")).isNotBlank();
    b.click("dialog[open] button[type=submit]");
    b.awaitText(".activity.kind-system", "snoozed the conversation");
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation).expect(200).json().getString("status")).isEqualTo("snoozed");

    new org.openqa.selenium.support.ui.Select(b.find(".assignee-select")).selectByValue(String.valueOf(hub.admin().userId()));
    b.awaitText(".activity.kind-system", "took the conversation");
    b.click(".conv-actions .btn");
    b.awaitText(".activity.kind-system", "resolved the conversation");
    JsonObject after = hub.admin().get("/api/v1/conversations/" + conversation).expect(200).json();
    assertThat(after.getString("status")).isEqualTo("resolved");
    assertThat(after.getLong("assignee_id")).isEqualTo(hub.admin().userId());
  }

  @Test
  @DisplayName("a calendar event is added to the conversation from the sidebar, and deleted after confirming")
  void calendarEvents() {
    long conversation = ingest(shop, "cv-event", "can we meet?");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    String section = ".side-section[data-section=events]";
    b.click(section + " .side-toolbar .btn");
    b.type("dialog[open] input[type=text]", "Product demo");
    b.click("dialog[open] button[type=submit]");
    b.awaitText(section + " .side-list", "Product demo");
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/events").expect(200).items()).hasSize(1);
    b.click(section + " .side-list .icon-btn");
    b.click("dialog[open] [data-confirm]");
    b.until("the event is gone", () -> !b.present(section + " .side-list"));
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/events").expect(200).items()).isEmpty();
  }

  @Test
  @DisplayName("a chatbot is added to the conversation from the sidebar and removed again")
  void chatbots() {
    long bot = hub.admin().post("/api/v1/chatbots", new JsonObject().put("name", "Front desk").put("enabled", true)
        .put("rules", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("trigger", new JsonObject().put("type", "keyword").put("keywords", new io.vertx.core.json.JsonArray().add("price")))
            .put("actions", new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "reply").put("text", "From 10 EUR.")))))).expect(201)
        .json().getLong("id");
    long conversation = ingest(shop, "cv-bot", "hello bots");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    String row = ".side-section[data-section=chatbots] li[data-chatbot='" + bot + "']";
    b.click(row + " button");
    b.await(row + "[data-attending=true]");
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/chatbots").expect(200).items()).hasSize(1);
    b.click(row + " button");
    b.await(row + "[data-attending=false]");
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/chatbots").expect(200).items()).isEmpty();
  }

  @Test
  @DisplayName("a follow-up sequence is started from the sequences button and can be canceled there")
  void sequences() {
    long sequence = hub.admin().post("/api/v1/sequences", new JsonObject().put("name", "Quote follow-up")
        .put("steps", new io.vertx.core.json.JsonArray().add(new JsonObject().put("delay", "P2D").put("text", "Any questions about the quote?"))))
        .expect(201).json().getLong("id");
    long conversation = ingest(shop, "cv-sequence", "send me a quote");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    b.click("[data-action=sequences]");
    b.click("dialog[open] .choice[data-sequence='" + sequence + "']");
    b.awaitText(".toast", "started");
    b.click("[data-action=sequences]");
    assertThat(b.awaitText("dialog[open] [data-enrollment]", "Quote follow-up").getText()).contains("active");
    b.click("dialog[open] [data-enrollment] .btn");
    b.click("dialog[open] [data-confirm]");
    b.until("the enrolment is canceled", () -> hub.admin().get("/api/v1/conversations/" + conversation + "/sequences").expect(200)
        .items().getJsonObject(0).getString("status").equals("canceled"));
  }
}
