package io.switchboard.web;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.Browser;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.CallbackServer.Answer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Setting up channels from their forms in Settings: e-mail against GreenMail, a phone number against a local server
 * standing in for Twilio's account API, WhatsApp against a local Graph API; each with a failing and then a passing
 * connection test, then saved, and the endpoint working with the settings the form stored.
 */
@WithHub({"http.public_url=https://hub.forms.test", "http.cookie_secure=false", "meta.app_secret=forms-app-secret",
    "meta.verify_token=forms-verify-token", "email.imap_poll_seconds=1", "email.imap_idle_seconds=2"})
@WithBrowser
class EndpointFormsTest {

  static final String SID = "AC" + "4".repeat(32);
  static final String TOKEN = "forms-twilio-token";
  static final String NUMBER = "+14155550444";
  static final String WA_ID = "209876543210";
  static final String GRAPH_TOKEN = "EAAG-forms-token";

  static TestHub hub;
  static Browser browser;
  static GreenMail mail;
  static final CallbackServer twilio = new CallbackServer();
  static final CallbackServer graph = new CallbackServer();

  @HubConfig
  static Map<String, Object> config() {
    return Map.of("twilio.api_base", twilio.url(""), "meta.graph_base", graph.url(""));
  }

  @BeforeAll
  static void setUp() {
    mail = new GreenMail(new ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()});
    mail.start();
    mail.setUser("desk@forms.test", "desk@forms.test", "mail-password-right");
    twilio.answer(r -> {
      String basic = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
      if (!basic.equals(r.headers().get("Authorization"))) return new Answer(401, "{\"code\":20003,\"message\":\"Authenticate\"}", "application/json");
      if (r.path().endsWith("/IncomingPhoneNumbers.json")) {
        return Answer.ok(new JsonObject().put("incoming_phone_numbers", new JsonArray().add(new JsonObject().put("phone_number", NUMBER)
            .put("sms_url", "https://hub.forms.test/hooks/twilio/sms").put("voice_url", "https://hub.forms.test/hooks/twilio/voice"))).encode());
      }
      return Answer.ok(new JsonObject().put("sid", SID).put("friendly_name", "Forms Ltd").put("status", "active").encode());
    });
    graph.answer(r -> ("Bearer " + GRAPH_TOKEN).equals(r.headers().get("Authorization"))
        ? Answer.ok(new JsonObject().put("id", WA_ID).put("display_phone_number", "+1 415-555-0555").put("verified_name", "Forms Ltd").encode())
        : new Answer(401, "{\"error\":{\"message\":\"Error validating access token: Session has expired\",\"type\":\"OAuthException\",\"code\":190}}",
            "application/json"));
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  @AfterAll
  static void tearDown() {
    mail.stop();
    twilio.close();
    graph.close();
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  /** Opens the Add endpoint dialog of a new inbox for a channel; returns the inbox id. */
  static long addDialog(String inboxName, String channel) {
    long inbox = hub.inbox(inboxName);
    Browser b = browser;
    b.open("/#/settings/inboxes/" + inbox);
    b.driver.navigate().refresh();
    b.awaitText(".inbox-admin-detail h2", inboxName);
    b.click("[data-action=add-endpoint]");
    new Select(b.find("dialog[open] select[name=channel]")).selectByValue(channel);
    b.await("dialog[open] [data-form=" + channel + "]");
    return inbox;
  }

  static void testConnection() {
    browser.js("document.querySelectorAll('dialog[open] .connection-test').forEach(e => e.replaceChildren())");
    browser.click("dialog[open] [data-action=test-connection]");
    browser.await("dialog[open] .connection-summary");
  }

  static String check(String name) {
    return browser.find("dialog[open] [data-check='" + name + "']").getText();
  }

  static JsonObject onlyEndpoint(long inbox) {
    JsonArray items = hub.admin().get("/api/v1/inboxes/" + inbox + "/endpoints").expect(200).items();
    assertThat(items).hasSize(1);
    return items.getJsonObject(0);
  }

  @Test
  @DisplayName("e-mail: Other server preset, a wrong password explained, then right, saved, and mail is read from the mailbox")
  void email() {
    long inbox = addDialog("Forms Mail", "email");
    Browser b = browser;
    b.type("dialog[open] input[name=address]", "desk@forms.test");
    // Gmail's preset fills in Google's servers; we use our own
    new Select(b.find("dialog[open] select[name=preset]")).selectByValue("gmail");
    assertThat(b.find("dialog[open] input[name='imap.host']").getAttribute("value")).isEqualTo("imap.gmail.com");
    assertThat(b.find("dialog[open] input[name='smtp.port']").getAttribute("value")).isEqualTo("587");
    new Select(b.find("dialog[open] select[name=preset]")).selectByValue("other");
    b.type("dialog[open] input[name='imap.host']", "127.0.0.1");
    b.type("dialog[open] input[name='imap.port']", String.valueOf(mail.getImap().getPort()));
    new Select(b.find("dialog[open] select[name='imap.security']")).selectByValue("none");
    b.type("dialog[open] input[name='imap.username']", "desk@forms.test");
    b.type("dialog[open] input[name='imap.password']", "mail-password-wrong");
    b.type("dialog[open] input[name='smtp.host']", "127.0.0.1");
    b.type("dialog[open] input[name='smtp.port']", String.valueOf(mail.getSmtp().getPort()));
    new Select(b.find("dialog[open] select[name='smtp.security']")).selectByValue("none");
    assertThat(b.find("dialog[open] input[name='smtp.username']").getAttribute("value")).isEqualTo("desk@forms.test");
    b.type("dialog[open] input[name='smtp.password']", "mail-password-wrong");

    testConnection();
    assertThat(b.attribute("dialog[open] .connection-summary", "data-ok")).isEqualTo("false");
    assertThat(check("IMAP login")).contains("refused the login for desk@forms.test");
    assertThat(b.attribute("dialog[open] [data-check='IMAP login']", "data-ok")).isEqualTo("false");
    assertThat(check("SMTP login")).contains("refused the login");
    assertThat(check("IMAP connection")).contains("Connected to 127.0.0.1:" + mail.getImap().getPort());

    b.type("dialog[open] input[name='imap.password']", "mail-password-right");
    b.type("dialog[open] input[name='smtp.password']", "mail-password-right");
    testConnection();
    assertThat(b.attribute("dialog[open] .connection-summary", "data-ok")).as(b.text("dialog[open] .connection-test")).isEqualTo("true");
    assertThat(check("IMAP folder")).contains("INBOX exists");
    assertThat(check("SMTP login")).contains("Signed in as desk@forms.test");
    b.screenshot("endpoint-form-email");

    b.click("dialog[open] button[type=submit]");
    b.awaitText("[data-card=endpoints] tbody", "desk@forms.test");
    JsonObject ep = onlyEndpoint(inbox);
    JsonObject imap = ep.getJsonObject("settings").getJsonObject("imap");
    assertThat(imap.getString("host")).isEqualTo("127.0.0.1");
    assertThat(imap.getInteger("port")).isEqualTo(mail.getImap().getPort());
    assertThat(imap.getString("security")).isEqualTo("none");
    assertThat(imap.getString("username")).isEqualTo("desk@forms.test");
    assertThat(imap.containsKey("password")).isFalse();
    assertThat(ep.getJsonObject("settings").getJsonObject("smtp").getInteger("port")).isEqualTo(mail.getSmtp().getPort());
    assertThat(ep.getJsonArray("secrets_set")).contains("imap.password", "smtp.password");

    // the endpoint works: mail to the mailbox is read into the inbox, and the badge says the mailbox is connected
    GreenMailUtil.sendTextEmail("desk@forms.test", "olga@customer.test", "Order 77", "Where is my order?", new ServerSetup(mail.getSmtp().getPort(), "127.0.0.1", "smtp"));
    Eventually.that("the mail is imported", 30_000, 200, () -> hub.admin().get("/api/v1/conversations?inbox=" + inbox).expect(200).items()
        .stream().anyMatch(o -> "Order 77".equals(((JsonObject) o).getString("subject"))));
    long id = ep.getLong("id");
    Eventually.that("the mailbox is connected", 30_000, 200,
        () -> "connected".equals(hub.admin().get("/api/v1/endpoints/" + id + "/mailbox").expect(200).json().getString("status")));
    b.driver.navigate().refresh();
    b.awaitText("[data-card=endpoints] .mailbox-state", "mailbox connected");

    // editing shows the stored password as set, and a test of the saved endpoint uses it
    b.click("[data-card=endpoints] button[aria-label^='Edit']");
    assertThat(b.await("dialog[open] [data-secret-state]").getText()).isEqualTo("set");
    assertThat(b.find("dialog[open] input[name='imap.password']").getAttribute("value")).isEmpty();
    testConnection();
    assertThat(b.attribute("dialog[open] .connection-summary", "data-ok")).isEqualTo("true");
    closeDialog();
  }

  @Test
  @DisplayName("e-mail without a mailbox says, in words, that it receives through this hub's SMTP listener")
  void emailListener() {
    long inbox = addDialog("Forms Listener", "email");
    Browser b = browser;
    b.type("dialog[open] input[name=address]", "sales@forms.test");
    b.click("dialog[open] input[name=use_imap]");
    b.click("dialog[open] input[name=use_smtp]");
    String words = "Receives mail through this hub's SMTP listener on port " + hub.switchboard.node().state().smtpPort()
        + ": point the domain's MX, or a forwarding rule, at hub.forms.test.";
    assertThat(b.awaitText("dialog[open] [data-listener]", "SMTP listener").getText()).isEqualTo(words);
    testConnection();
    assertThat(check("Receiving")).contains(words);
    assertThat(check("Sending")).contains("No outgoing mail server");
    b.click("dialog[open] button[type=submit]");
    b.awaitText("[data-card=endpoints] tbody", "sales@forms.test");
    assertThat(b.awaitText("[data-card=endpoints] [data-mailbox=listener]", "SMTP listener").getText()).isEqualTo(words);
    assertThat(b.find("[data-card=endpoints]").getText()).doesNotContain("no mailbox connected");
    assertThat(onlyEndpoint(inbox).getJsonObject("settings").containsKey("imap")).isFalse();
  }

  @Test
  @DisplayName("phone: the webhook URLs to copy, a wrong auth token refused by Twilio, then right, saved, and signed SMS accepted")
  void phone() throws Exception {
    long inbox = addDialog("Forms Phone", "phone");
    Browser b = browser;
    b.type("dialog[open] input[name=address]", NUMBER);
    b.type("dialog[open] input[name=account_sid]", SID);
    b.type("dialog[open] input[name=auth_token]", "not-the-token");
    assertThat(b.await("dialog[open] input[data-copy=sms]").getAttribute("value")).isEqualTo("https://hub.forms.test/hooks/twilio/sms");
    assertThat(b.find("dialog[open] input[data-copy=voice]").getAttribute("value")).isEqualTo("https://hub.forms.test/hooks/twilio/voice");
    assertThat(b.find("dialog[open] input[data-copy=voice_status]").getAttribute("value")).isEqualTo("https://hub.forms.test/hooks/twilio/voice/status");
    assertThat(b.find("dialog[open] input[data-copy=recording]").getAttribute("value")).isEqualTo("https://hub.forms.test/hooks/twilio/voice/recording");
    assertThat(b.find("dialog[open] input[data-copy=sms_status]").getAttribute("value")).isEqualTo("https://hub.forms.test/hooks/twilio/sms/status");
    b.click("dialog[open] button[aria-label='Copy A message comes in (SMS and MMS)']");
    b.awaitText(".toasts", "Copied.");

    testConnection();
    assertThat(check("Account")).contains("Twilio refused the account SID or auth token");
    b.type("dialog[open] input[name=auth_token]", TOKEN);
    testConnection();
    assertThat(b.attribute("dialog[open] .connection-summary", "data-ok")).as(b.text("dialog[open] .connection-test")).isEqualTo("true");
    assertThat(check("Account")).contains("Forms Ltd");
    b.screenshot("endpoint-form-phone");
    b.click("dialog[open] button[type=submit]");
    b.awaitText("[data-card=endpoints] tbody", NUMBER);
    JsonObject ep = onlyEndpoint(inbox);
    assertThat(ep.getJsonObject("settings").getString("account_sid")).isEqualTo(SID);
    assertThat(ep.getJsonArray("secrets_set")).containsExactly("auth_token");

    // the stored token is the one the form took: an SMS signed with it is accepted into the inbox
    Map<String, String> params = new LinkedHashMap<>();
    params.put("MessageSid", "SM" + "9".repeat(32));
    params.put("AccountSid", SID);
    params.put("From", "+31612345678");
    params.put("To", NUMBER);
    params.put("Body", "Hello from the form test");
    params.put("NumMedia", "0");
    StringBuilder data = new StringBuilder("https://hub.forms.test/hooks/twilio/sms");
    new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String signature = Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    String form = params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.base() + "/hooks/twilio/sms"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    Eventually.that("the SMS reaches the inbox", 10_000, 100,
        () -> !hub.admin().get("/api/v1/conversations?inbox=" + inbox).expect(200).items().isEmpty());
  }

  @Test
  @DisplayName("WhatsApp: callback URL, verify token and fields to copy, an expired token explained, then right, saved")
  void whatsapp() {
    long inbox = addDialog("Forms WhatsApp", "whatsapp");
    Browser b = browser;
    assertThat(b.find("dialog[open] label[for='" + b.find("dialog[open] input[name=address]").getAttribute("id") + "']").getText())
        .isEqualTo("Phone number id");
    b.type("dialog[open] input[name=address]", WA_ID);
    b.type("dialog[open] input[name=access_token]", "EAAG-expired");
    assertThat(b.await("dialog[open] input[data-copy=callback_url]").getAttribute("value")).isEqualTo("https://hub.forms.test/hooks/meta");
    assertThat(b.find("dialog[open] input[data-copy=verify_token]").getAttribute("value")).isEqualTo("forms-verify-token");
    assertThat(b.text("dialog[open] [data-fields]")).contains("messages");

    testConnection();
    assertThat(check("Access token")).contains("Meta refused the access token").contains("Session has expired");
    b.type("dialog[open] input[name=access_token]", GRAPH_TOKEN);
    testConnection();
    assertThat(b.attribute("dialog[open] .connection-summary", "data-ok")).as(b.text("dialog[open] .connection-test")).isEqualTo("true");
    assertThat(check("WhatsApp phone number id")).contains("Forms Ltd (+1 415-555-0555)");
    b.screenshot("endpoint-form-whatsapp");
    b.click("dialog[open] button[type=submit]");
    b.awaitText("[data-card=endpoints] tbody", WA_ID);
    JsonObject ep = onlyEndpoint(inbox);
    assertThat(ep.getJsonArray("secrets_set")).containsExactly("access_token");
    // the saved endpoint works with the stored token
    JsonObject again = hub.admin().post("/api/v1/endpoints/" + ep.getLong("id") + "/test", new JsonObject()).expect(200).json();
    assertThat(again.getBoolean("ok")).as(again.encodePrettily()).isTrue();
    assertThat(graph.received.get(graph.received.size() - 1).headers().get("Authorization")).isEqualTo("Bearer " + GRAPH_TOKEN);
  }

  @Test
  @DisplayName("API: a failing then passing test delivery, saved; a new secret made in the form replaces the old one")
  void apiEndpoint() throws Exception {
    try (CallbackServer crm = new CallbackServer()) {
      crm.answer(r -> new Answer(503, "maintenance", "text/plain"));
      long inbox = addDialog("Forms API", "api");
      Browser b = browser;
      b.type("dialog[open] input[name=callback_url]", crm.url("/replies"));
      testConnection();
      assertThat(check("Callback")).contains("answered HTTP 503").contains("maintenance");
      crm.answer(r -> Answer.ok("{}"));
      testConnection();
      assertThat(check("Callback")).contains("answered 200");
      b.click("dialog[open] button[type=submit]");
      String first = b.await("dialog[open] input[data-secret]").getAttribute("value");
      closeDialog();
      JsonObject ep = onlyEndpoint(inbox);
      assertThat(ep.getJsonObject("settings").getString("callback_url")).isEqualTo(crm.url("/replies"));
      String key = ep.getString("address");
      assertThat(inbound(key, first)).isEqualTo(200);

      b.click("[data-card=endpoints] button[aria-label^='Edit']");
      assertThat(b.await("dialog[open] input[data-copy=inbound_url]").getAttribute("value"))
          .isEqualTo("https://hub.forms.test/hooks/api/" + key);
      assertThat(b.find("dialog[open] [data-endpoint-secret] [data-secret-state]").getText()).isEqualTo("set");
      b.click("dialog[open] [data-endpoint-secret] button");
      String second = b.await("dialog[open] input[data-copy=secret]").getAttribute("value");
      assertThat(second).hasSizeGreaterThan(30).isNotEqualTo(first);
      closeDialog();
      assertThat(inbound(key, second)).isEqualTo(200);
      assertThat(inbound(key, first)).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("widget: an allowed origin with a path fails the test; fixed, it passes and is saved as a list")
  void widget() {
    long inbox = addDialog("Forms Widget", "widget");
    Browser b = browser;
    b.type("dialog[open] textarea[name=allowed_origins]", "https://www.forms.test\nhttps://shop.forms.test/contact");
    testConnection();
    assertThat(check("Allowed origins")).contains("https://shop.forms.test/contact is not an origin");
    b.type("dialog[open] textarea[name=allowed_origins]", "https://www.forms.test\nhttps://shop.forms.test");
    testConnection();
    assertThat(b.attribute("dialog[open] .connection-summary", "data-ok")).as(b.text("dialog[open] .connection-test")).isEqualTo("true");
    b.click("dialog[open] button[type=submit]");
    b.await("dialog[open] input[data-secret]");
    closeDialog();
    JsonObject ep = onlyEndpoint(inbox);
    assertThat(ep.getJsonObject("settings").getJsonArray("allowed_origins")).containsExactly("https://www.forms.test", "https://shop.forms.test");
    b.click("[data-card=endpoints] button[aria-label^='Edit']");
    assertThat(b.await("dialog[open] textarea[data-copy=embed]").getAttribute("value"))
        .isEqualTo("<script src=\"https://hub.forms.test/widget.js\" data-key=\"" + ep.getString("address") + "\" async></script>");
    closeDialog();
  }

  /** Posts a customer's message to an API endpoint with a bearer secret; the status. */
  static int inbound(String key, String secret) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.base() + "/hooks/api/" + key))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("Authorization", "Bearer " + secret)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("from", "cust-1").put("text", "hi").encode())).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static void closeDialog() {
    browser.driver.findElement(By.cssSelector("dialog[open]")).sendKeys(Keys.ESCAPE);
    browser.until("the dialog closes", () -> !browser.present("dialog[open]"));
  }
}
