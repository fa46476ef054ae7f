package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.CallbackServer.Answer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.HubConfig;
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

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an agent sees when a reply does not go through, and the guard rails around starting and sending: a failed
 * SMS explained in words and retried to delivered, the retrying line, "+" showing where a conversation cannot start
 * and why, the Schedule button, and whose reply a list preview shows. Twilio is a local HTTP stand-in; its status
 * callback is signed here, independently of the hub.
 */
@WithHub({"http.public_url=" + FailuresAppTest.PUBLIC, "http.cookie_secure=false", "outbox.max_attempts=3", "outbox.backoff_ms=2500"})
@WithBrowser
class FailuresAppTest {

  static final String PUBLIC = "https://hub.example.com";
  static final String ACCOUNT = "AC" + "7".repeat(32);
  static final String TOKEN = "failures-app-token";
  static final String NUMBER = "+14155550700";

  static TestHub hub;
  static Browser browser;
  static CallbackServer twilio;
  /** What the stand-in answers next to a message send; empty: accepted. */
  static final Deque<Answer> next = new ArrayDeque<>();
  static long inbox;
  static long numberId;
  static long widgetId;

  @HubConfig
  static Map<String, Object> config() {
    twilio = new CallbackServer();
    twilio.answer(r -> {
      Answer scripted;
      synchronized (next) {
        scripted = next.poll();
      }
      if (scripted != null) return scripted;
      return new Answer(201, new JsonObject().put("sid", "SM" + UUID.randomUUID().toString().replace("-", ""))
          .put("status", "queued").encode(), "application/json");
    });
    return Map.of("twilio.api_base", twilio.url(""));
  }

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Failures App Desk");
    numberId = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", NUMBER)
        .put("settings", new JsonObject().put("account_sid", ACCOUNT).put("auth_token", TOKEN))).expect(201).json().getLong("id");
    widgetId = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget").put("name", "Site chat"))
        .expect(201).json().getLong("id");
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  @AfterAll
  static void stop() {
    twilio.close();
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
    assertThat(browser.alertOpen()).as("no alert, confirm or prompt").isFalse();
  }

  static void answerNext(int status, JsonObject body) {
    synchronized (next) {
      next.add(new Answer(status, body.encode(), "application/json"));
    }
  }

  /** A contact with only a phone number, and the SMS conversation an agent starts with them. */
  static long smsConversation(String name, String phone) {
    long contact = hub.admin().post("/api/v1/contacts", new JsonObject().put("name", name).put("phone", phone)).expect(201).json().getLong("id");
    return hub.admin().post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", numberId))
        .expect(201).json().getLong("id");
  }

  /** The provider's delivery report, form-encoded and signed over the public URL as Twilio signs it. */
  static int statusCallback(String sid, String status, String to) throws Exception {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("MessageSid", sid);
    p.put("MessageStatus", status);
    p.put("AccountSid", ACCOUNT);
    p.put("From", NUMBER);
    p.put("To", to);
    StringBuilder data = new StringBuilder(PUBLIC + "/hooks/twilio/sms/status");
    new TreeMap<>(p).forEach((k, v) -> data.append(k).append(v));
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String signature = Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    String form = p.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.base() + "/hooks/twilio/sms/status"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    return res.statusCode();
  }

  @Test
  @DisplayName("a failed reply says in words what went wrong, keeps the provider's answer under Details, and Retry takes it to delivered")
  void failedReplyRetriedToDelivered() throws Exception {
    long conversation = smsConversation("Retry Customer", "+15005550701");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    answerNext(401, new JsonObject().put("code", 20003).put("message", "Authenticate").put("status", 401));
    long id = AgentApp.reply(b, "Your parcel is on its way");

    String bubble = AgentApp.activity(id);
    b.awaitText(bubble + " .delivery-error", "Twilio refused the account credentials.");
    assertThat(b.text(bubble + " .delivery-error")).contains("An admin can check the account SID and auth token");
    b.click(bubble + " .delivery-details summary");
    b.awaitText(bubble + " .delivery-details p", "Authenticate");
    assertThat(b.text(bubble + " .delivery-details p")).contains("code 20003");

    b.click(bubble + " [data-action=retry]");
    b.await(bubble + " .delivery[data-status=sent]", Duration.ofSeconds(15));
    assertThat(b.present(bubble + " .delivery-error")).isFalse();

    String sid = hub.admin().get("/api/v1/conversations/" + conversation + "/activities").expect(200).items().stream()
        .map(JsonObject.class::cast).filter(a -> a.getLong("id") == id).findFirst().orElseThrow().getString("provider_id");
    assertThat(statusCallback(sid, "delivered", "+15005550701")).isEqualTo(200);
    b.await(bubble + " .delivery[data-status=delivered]");
  }

  @Test
  @DisplayName("a number whose sends keep failing is flagged in the From picker and in Settings, where Retry all sends its failures again")
  void failingNumber() {
    long spare = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone")
        .put("address", "+14155550798").put("settings", new JsonObject().put("account_sid", ACCOUNT).put("auth_token", TOKEN)))
        .expect(201).json().getLong("id");
    long contact = hub.admin().post("/api/v1/contacts", new JsonObject().put("name", "Spare Line").put("phone", "+15005550798"))
        .expect(201).json().getLong("id");
    long conversation = hub.admin().post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", spare))
        .expect(201).json().getLong("id");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    answerNext(401, new JsonObject().put("code", 20003).put("message", "Authenticate").put("status", 401));
    long id = AgentApp.reply(b, "Sent from the spare line");
    b.await(AgentApp.activity(id) + " .delivery-error");
    b.awaitText(".from-health", "Sends failing since");
    assertThat(b.text(".from-health")).contains("Twilio refused the account credentials.");
    assertThat(b.text(".from-picker")).contains("sends failing");

    b.open("/#/settings/inboxes/" + inbox);
    String row = "tr[data-endpoint='" + spare + "'] ";
    assertThat(b.await(row + ".endpoint-health").getText()).contains("sends failing", "Twilio refused the account credentials.");
    b.click(row + "[data-action=retry-failed]");
    b.awaitText(".toast", "1 failed message queued again.");
    Eventually.that("the reply is sent", 15_000, () -> "sent".equals(hub.admin().get("/api/v1/conversations/" + conversation
        + "/activities").expect(200).items().stream().map(JsonObject.class::cast).filter(a -> a.getLong("id") == id)
        .findFirst().orElseThrow().getString("status")));
    assertThat(hub.admin().get("/api/v1/endpoints/" + spare).expect(200).json().getJsonObject("health").getString("state")).isEqualTo("ok");
  }

  @Test
  @DisplayName("a reply being retried says so, with the attempt, the most there will be and when the next one goes")
  void retryingLine() {
    long conversation = smsConversation("Busy Provider", "+15005550702");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    answerNext(503, new JsonObject().put("code", 20500).put("message", "Service unavailable").put("status", 503));
    long id = AgentApp.reply(b, "We will call you back");
    WebElement line = b.await(AgentApp.activity(id) + " .delivery-retrying");
    assertThat(line.getText()).matches("retrying \\(attempt 2 of 3, next at .+\\)");
    assertThat(line.getAttribute("title")).startsWith("The SMS provider had a problem on its side");
    b.await(AgentApp.activity(id) + " .delivery[data-status=sent]", Duration.ofSeconds(20));
    assertThat(b.present(AgentApp.activity(id) + " .delivery-retrying")).isFalse();
  }

  @Test
  @DisplayName("\"+\" offers only channels where a conversation can start; the others are shown disabled with the reason")
  void plusShowsWhyNot() {
    long conversation = smsConversation("Phone Only", "+15005550703");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    b.click(".channel-tabs .tab-new");
    WebElement widget = b.await("dialog .choice[data-endpoint='" + widgetId + "']");
    assertThat(widget.getAttribute("disabled")).isNotNull();
    assertThat(b.text("dialog [data-reason-for='" + widgetId + "']"))
        .isEqualTo("Chat: this contact has not chatted on this widget, and only visitors the site identifies can be written to first.");
    assertThat(b.find("dialog .choice[data-endpoint='" + numberId + "']").getAttribute("disabled"))
        .as("the SMS conversation exists already").isNotNull();
    assertThat(b.text("dialog [data-reason-for='" + numberId + "']")).contains("already has a conversation here");
    assertThat(b.all("dialog .choice:not([disabled])")).isEmpty();
    b.click("dialog .dialog-head button[aria-label=Close]");
  }

  @Test
  @DisplayName("the send button says Schedule while a send time is set, and Send again without one")
  void scheduleLabel() {
    long conversation = smsConversation("Later Customer", "+15005550704");
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    assertThat(b.text(".send-btn")).isEqualTo("Send");
    b.click(".composer button[aria-label='Send later']");
    b.awaitText(".send-btn", "Schedule");
    b.click(".composer button[aria-label='Send later']");
    b.awaitText(".send-btn", "Send");
    assertThat(b.text(".send-btn")).isEqualTo("Send");
  }

  @Test
  @DisplayName("a list preview says \"You:\" only for your own reply, and another agent's name for theirs")
  void previewNamesTheAuthor() {
    ApiClient colleague = hub.user("preview-colleague@example.com", "agent");
    colleague.patch("/api/v1/me", new JsonObject().put("name", "Robin Colleague")).expect(200);
    hub.member(inbox, colleague.userId());
    long theirs = smsConversation("Preview One", "+15005550705");
    colleague.post("/api/v1/conversations/" + theirs + "/messages", new JsonObject().put("text", "Answered by Robin")).expect(201);
    long mine = smsConversation("Preview Two", "+15005550706");
    hub.admin().post("/api/v1/conversations/" + mine + "/messages", new JsonObject().put("text", "Answered by me")).expect(201);

    Browser b = browser;
    AgentApp.openInbox(b, inbox);
    b.awaitText(AgentApp.row(theirs) + " .conv-text", "Robin Colleague: Answered by Robin");
    b.awaitText(AgentApp.row(mine) + " .conv-text", "You: Answered by me");
  }

  @Test
  @DisplayName("an error names the field by its label, and a pattern field says what it accepts")
  void errorsInTheFormsWords() {
    Browser b = browser;
    b.open("/#/settings/properties");
    b.type("input[name=key]", "Renewal Date");
    b.type("input[name=label]", "Renewal date");
    b.click(".grid-form button[type=submit]");
    Eventually.that("the key field explains its format", 5_000, () -> String.valueOf(
        b.js("return document.querySelector('input[name=key]').validationMessage")).contains("Lowercase letters, digits and _"));

    long conversation = smsConversation("Event Customer", "+15005550707");
    AgentApp.openConversation(b, conversation);
    b.click(".side-section[data-section=events] .side-toolbar button");
    b.await("dialog input[name=starts_at]");
    b.js("const s = document.querySelector('dialog input[name=starts_at]'), e = document.querySelector('dialog input[name=ends_at]');"
        + "e.value = '2030-01-01T09:00'; s.value = '2030-01-01T10:00';");
    b.type("dialog input[name=title]", "Call back");
    b.click("dialog button[type=submit]");
    b.awaitText("dialog .form-error", "Ends: ");
    assertThat(b.text("dialog .form-error")).isEqualTo("Ends: must be after Starts");
    b.click("dialog .dialog-head button[aria-label=Close]");
  }
}
