package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/** What an admin does in settings, checked through the API the rest of the hub uses. */
@WithHub
@WithBrowser
class SettingsTest {

  static TestHub hub;
  static Browser browser;

  @BeforeAll
  static void setUp() {
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  static JsonObject inboxNamed(String name) {
    return named("/inboxes?q=" + name.replace(" ", "%20"), name);
  }

  @Test
  @DisplayName("an admin creates an inbox, gives it an API endpoint (secret shown once) and a member")
  void createInboxWithEndpointAndMember() {
    ApiClient agent = hub.user("settings.agent@example.com", "agent");
    Browser b = browser;
    b.open("/#/settings/inboxes");
    b.click("[data-action=new-inbox]");
    b.type("dialog[open] input[name=name]", "Partners");
    b.click("dialog[open] button[type=submit]");
    b.awaitText(".inbox-admin-detail h2", "Partners");
    JsonObject inbox = inboxNamed("Partners");
    assertThat(inbox).isNotNull();
    assertThat(b.driver.getCurrentUrl()).endsWith("/#/settings/inboxes/" + inbox.getLong("id"));

    b.click("[data-action=add-endpoint]");
    new Select(b.find("dialog[open] select[name=channel]")).selectByValue("api");
    b.type("dialog[open] input[name=name]", "Partner portal");
    b.type("dialog[open] input[name=callback_url]", "https://partners.example.com/hook");
    b.click("dialog[open] button[type=submit]");
    WebElement secret = b.await("dialog[open] input[data-secret]");
    assertThat(secret.getAttribute("value")).hasSizeGreaterThan(20);
    b.driver.findElement(org.openqa.selenium.By.cssSelector("dialog[open]")).sendKeys(Keys.ESCAPE);
    b.awaitText("[data-card=endpoints] tbody", "Partner portal");
    JsonArray endpoints = hub.admin().get("/api/v1/inboxes/" + inbox.getLong("id") + "/endpoints").expect(200).items();
    assertThat(endpoints).hasSize(1);
    assertThat(endpoints.getJsonObject(0).getJsonObject("settings").getString("callback_url")).isEqualTo("https://partners.example.com/hook");

    new Select(b.await("[data-action=add-member] select")).selectByVisibleText("settings.agent (agent)");
    b.click("[data-action=add-member] button[type=submit]");
    b.await("[data-card=members] [data-member='" + agent.userId() + "']");
    assertThat(agent.get("/api/v1/inboxes").expect(200).items().stream().map(o -> ((JsonObject) o).getString("name")))
        .contains("Partners");
    b.screenshot("settings");
  }

  @Test
  @DisplayName("business hours and call routing are saved, and the routing test says where an address lands and when it is open")
  void hoursRoutingAndTest() {
    long inbox = hub.inbox("Hours Desk");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    Browser b = browser;
    b.open("/#/settings/inboxes/" + inbox);
    b.click("[data-card=business-hours] .switch input");
    b.type("[data-card=business-hours] input[list=tz-list]", "Europe/Amsterdam");
    // Monday to Friday are open by default with 09:00-17:00; Saturday gets a morning
    b.click("[data-card=business-hours] input[aria-label='Open on Saturday']");
    b.type("[data-card=business-hours] input[aria-label='Saturday hours']", "10:00-12:30");
    b.type("[data-card=business-hours] textarea", "2026-12-25");
    b.click("[data-card=business-hours] button[type=submit]");
    b.until("business hours are saved", () -> {
      JsonObject bh = hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json().getJsonObject("business_hours");
      return bh != null && "Europe/Amsterdam".equals(bh.getString("timezone"));
    });
    JsonObject bh = hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json().getJsonObject("business_hours");
    assertThat(bh.getJsonObject("weekly").getJsonArray("sat").encode()).isEqualTo("[[\"10:00\",\"12:30\"]]");
    assertThat(bh.getJsonObject("weekly").getJsonArray("mon").encode()).isEqualTo("[[\"09:00\",\"17:00\"]]");
    assertThat(bh.getJsonObject("weekly").containsKey("sun")).isFalse();
    assertThat(bh.getJsonArray("holidays").encode()).isEqualTo("[\"2026-12-25\"]");

    b.open("/#/settings/inboxes/" + inbox);
    b.click("[data-card=call-routing] .switch input");
    b.click("[data-card=call-routing] .check input[value='" + hub.admin().userId() + "']");
    b.type("[data-card=call-routing] input[type=number]", "25");
    b.click("[data-card=call-routing] button[type=submit]");
    b.until("call routing is saved", () -> hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json().getJsonObject("call_routing") != null);
    JsonObject routing = hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json().getJsonObject("call_routing");
    assertThat(routing.getJsonArray("ring").encode()).isEqualTo("[" + hub.admin().userId() + "]");
    assertThat(routing.getInteger("timeout_s")).isEqualTo(25);

    // Christmas Day 2026 at noon in Amsterdam is a holiday; the address is this inbox's endpoint
    b.open("/#/settings/inboxes/" + inbox);
    b.type("[data-card=routing-test] input[type=text]", ep.getString("key"));
    b.js("const at = document.querySelector('[data-card=routing-test] input[type=datetime-local]');"
        + "at.value = '2026-12-25T12:00'; at.dispatchEvent(new Event('input'));");
    b.click("[data-action=test-routing]");
    String result = b.awaitText("[data-card=routing-test] .routing-lines", "Hours Desk").getText();
    assertThat(result).contains("is the API endpoint of Hours Desk");
    assertThat(b.text("[data-card=routing-test] .routing-lines")).containsAnyOf("holiday", "Closed");
    b.type("[data-card=routing-test] input[type=text]", "nobody@nowhere.example");
    b.click("[data-action=test-routing]");
    b.awaitText("[data-card=routing-test] .routing-lines", "No inbox owns nobody@nowhere.example");
  }

  @Test
  @DisplayName("a user created in settings can sign in, and their role changes from the list")
  void usersAndRoles() {
    Browser b = browser;
    b.open("/#/settings/users");
    b.click("[data-action=new-user]");
    b.type("dialog[open] input[name=name]", "Rita Agent");
    b.type("dialog[open] input[name=email]", "rita@example.com");
    b.type("dialog[open] input[name=password]", "Quill-harbour-91");
    b.click("dialog[open] button[type=submit]");
    WebElement row = b.awaitText(".table tbody tr", "rita@example.com");
    long id = Long.parseLong(row.getAttribute("data-user"));
    ApiClient rita = hub.login("rita@example.com", "Quill-harbour-91");
    assertThat(rita.user.getString("role")).isEqualTo("agent");

    new Select(b.find(".table tr[data-user='" + id + "'] select")).selectByValue("supervisor");
    b.until("the role is saved", () -> "supervisor".equals(hub.admin().get("/api/v1/users/" + id).expect(200).json().getString("role")));
    b.open("/#/settings/roles");
    assertThat(b.awaitText(".matrix", "settings.manage").getText()).contains("conversations.assign");
  }

  @Test
  @DisplayName("a property defined in settings becomes a typed input on the contact, and its value is saved")
  void propertyDefinitions() {
    Browser b = browser;
    b.open("/#/settings/properties");
    b.type("input[name=key]", "renewal_date");
    b.type("input[name=label]", "Renewal date");
    new Select(b.find("select[name=type]")).selectByValue("date");
    b.click(".grid-form button[type=submit]");
    b.awaitText(".settings-card .table", "renewal_date");

    long inbox = hub.inbox("Property Desk");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    long conversation = hub.ingestApi(ep, "prop-1", "hi", "prop-1").expect(200).json().getLong("conversation_id");
    long contact = hub.admin().get("/api/v1/conversations/" + conversation).expect(200).json().getLong("contact_id");
    AgentApp.openConversation(b, conversation);
    WebElement date = b.await(".side-section[data-section=properties] input[type=date][data-property=renewal_date]");
    b.js("arguments[0].value = '2026-06-30'; arguments[0].dispatchEvent(new Event('change'));", date);
    b.awaitText(".side-section[data-section=properties] .save-state", "Saved");
    assertThat(hub.admin().get("/api/v1/contacts/" + contact).expect(200).json().getJsonObject("properties").getString("renewal_date"))
        .isEqualTo("2026-06-30");
  }

  @Test
  @DisplayName("an inbox's e-mail address shows its mailbox state, and a test e-mail sent from settings lands in the inbox")
  void emailRoutingTest() {
    long inbox = hub.inbox("Mail Desk");
    hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email")
        .put("address", "desk@mail.example")).expect(201);
    Browser b = browser;
    b.open("/#/settings/inboxes/" + inbox);
    // no IMAP mailbox: mail arrives through the hub's own SMTP listener, and the row says so instead of a fault
    assertThat(b.awaitText("[data-card=endpoints] .mailbox-state", "SMTP listener").getText())
        .startsWith("Receives mail through this hub's SMTP listener on port " + hub.switchboard.node().state().smtpPort());
    b.click("[data-action=test-mail]");
    b.awaitText("[data-card=routing-test] .routing-lines", "Delivered");
    b.click("[data-card=routing-test] .routing-lines a");
    b.await(".composer");
    b.awaitText(".conv-title", "Mail Desk");
    b.awaitText(".history", "reaches the inbox Mail Desk");
  }

  @Test
  @DisplayName("disabling an endpoint in settings asks for the reason agents will see; enabling it clears it")
  void disableEndpoint() {
    long inbox = hub.inbox("Disable Desk");
    long ep = hub.apiEndpoint(inbox, null).getLong("id");
    Browser b = browser;
    b.open("/#/settings/inboxes/" + inbox);
    b.click("[data-card=endpoints] tr[data-endpoint='" + ep + "'] .switch input");
    b.type("dialog[open] input[type=text]", "Contract ended");
    b.click("dialog[open] button[type=submit]");
    b.awaitText("[data-card=endpoints] tr[data-endpoint='" + ep + "']", "Contract ended");
    JsonObject e = hub.admin().get("/api/v1/endpoints/" + ep).expect(200).json();
    assertThat(e.getBoolean("enabled")).isFalse();
    assertThat(e.getString("disabled_reason")).isEqualTo("Contract ended");
    b.click("[data-card=endpoints] tr[data-endpoint='" + ep + "'] .switch input");
    b.until("it is enabled again", () -> hub.admin().get("/api/v1/endpoints/" + ep).expect(200).json().getBoolean("enabled"));
  }

  @Test
  @DisplayName("automatic assignment and the outside-hours reply are set for an inbox in settings")
  void automationSettings() {
    long inbox = hub.inbox("Auto Desk");
    Browser b = browser;
    b.open("/#/settings/inboxes/" + inbox);
    String card = "[data-card=automation]";
    b.click(card + " .switch input");
    b.type(card + " input[type=number]", "5");
    b.type(card + " textarea", "We are closed; we answer from 9:00.");
    b.click(card + " button[type=submit]");
    b.awaitText(".toast", "Automation saved");
    JsonObject settings = hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json().getJsonObject("settings");
    assertThat(settings.getJsonObject("auto_assign").getBoolean("enabled")).isTrue();
    assertThat(settings.getJsonObject("auto_assign").getInteger("max_open_per_agent")).isEqualTo(5);
    assertThat(settings.getString("auto_reply_outside_hours")).isEqualTo("We are closed; we answer from 9:00.");
  }

  static JsonObject named(String path, String name) {
    for (Object o : hub.admin().get("/api/v1" + path).expect(200).items()) {
      if (((JsonObject) o).getString("name").equals(name)) return (JsonObject) o;
    }
    return null;
  }

  @Test
  @DisplayName("an admin defines a sequence step by step, sees the server's error for a bad delay, edits it, and deletes it after confirming")
  void sequenceEditor() {
    Browser b = browser;
    String editor = "[data-card=definition-editor] ";
    b.open("/#/settings/sequences");
    b.awaitText(editor + "h2", "New sequence");
    b.type(editor + "input[name=name]", "Quote follow-up");
    b.type(editor + "fieldset.sequence-step:nth-of-type(1) input[name=amount]", "2");
    new Select(b.find(editor + "fieldset.sequence-step:nth-of-type(1) select[name=unit]")).selectByValue("days");
    b.type(editor + "fieldset.sequence-step:nth-of-type(1) textarea[name=text]", "Did you have a chance to look at the quote?");
    b.click(editor + "[data-action=add-step]");
    b.type(editor + "fieldset.sequence-step:nth-of-type(2) input[name=amount]", "400");
    new Select(b.find(editor + "fieldset.sequence-step:nth-of-type(2) select[name=unit]")).selectByValue("days");
    b.type(editor + "fieldset.sequence-step:nth-of-type(2) textarea[name=text]", "Last reminder.");
    b.click(editor + "fieldset.sequence-step:nth-of-type(2) input[value=email]");
    b.click(editor + "button[type=submit]");
    // more than a year: the server refuses and says which step
    b.awaitText(editor + ".form-error", "Step 2, delay: ");
    assertThat(named("/sequences", "Quote follow-up")).isNull();
    b.type(editor + "fieldset.sequence-step:nth-of-type(2) input[name=amount]", "4");
    new Select(b.find(editor + "fieldset.sequence-step:nth-of-type(2) select[name=unit]")).selectByValue("hours");
    b.click(editor + "button[type=submit]");
    b.awaitText(".table tbody", "2 days → 4 hours");
    JsonObject seq = named("/sequences", "Quote follow-up");
    assertThat(seq).isNotNull();
    assertThat(seq.getBoolean("stop_on_reply")).isTrue();
    JsonArray steps = seq.getJsonArray("steps");
    assertThat(steps).hasSize(2);
    assertThat(steps.getJsonObject(0).getLong("delay_seconds")).isEqualTo(172_800);
    assertThat(steps.getJsonObject(0).getString("text")).isEqualTo("Did you have a chance to look at the quote?");
    assertThat(steps.getJsonObject(1).getLong("delay_seconds")).isEqualTo(14_400);
    assertThat(steps.getJsonObject(1).getJsonArray("channels")).containsExactly("email");
    b.screenshot("settings-sequence");

    b.click("tr[data-definition='" + seq.getLong("id") + "'] button[aria-label='Edit Quote follow-up']");
    b.awaitText(editor + "h2", "Edit Quote follow-up");
    assertThat(b.find(editor + "fieldset.sequence-step:nth-of-type(2) input[value=email]").isSelected()).isTrue();
    b.type(editor + "input[name=name]", "Quote reminders");
    b.click(editor + "input[name=stop_on_reply]");
    b.click(editor + "button[type=submit]");
    b.awaitText(".table tbody", "Quote reminders");
    JsonObject edited = hub.admin().get("/api/v1/sequences/" + seq.getLong("id")).expect(200).json();
    assertThat(edited.getString("name")).isEqualTo("Quote reminders");
    assertThat(edited.getBoolean("stop_on_reply")).isFalse();
    assertThat(edited.getJsonArray("steps")).hasSize(2);

    b.click("tr[data-definition='" + seq.getLong("id") + "'] button[aria-label='Delete Quote reminders']");
    b.click("dialog[open] [data-confirm]");
    b.until("the sequence to be gone", java.time.Duration.ofSeconds(10), () -> named("/sequences", "Quote reminders") == null);
  }

  @Test
  @DisplayName("an admin builds a chatbot from rules and actions; a regular expression that could run away is refused with its field")
  void chatbotEditor() {
    hub.admin().post("/api/v1/properties", new JsonObject().put("key", "order_number").put("label", "Order number")
        .put("type", "text").put("scope", "contact")).expect(201);
    Browser b = browser;
    String editor = "[data-card=definition-editor] ";
    b.open("/#/settings/chatbots");
    b.awaitText(editor + "h2", "New chatbot");
    b.type(editor + "input[name=name]", "Front desk");
    String rule1 = editor + "fieldset.bot-rule:nth-of-type(1) ";
    b.type(rule1 + "input[name=keywords]", "price, pricing");
    b.type(rule1 + "fieldset.bot-action:nth-of-type(1) textarea[name=text]", "Our plans start at 10 EUR a month.");
    b.click(rule1 + "[data-action=add-action]");
    new Select(b.find(rule1 + "fieldset.bot-action:nth-of-type(2) select[name=action]")).selectByValue("handover");
    b.type(rule1 + "fieldset.bot-action:nth-of-type(2) textarea[name=text]", "A colleague will take it from here.");

    b.click(editor + "[data-action=add-rule]");
    String rule2 = editor + "fieldset.bot-rule:nth-of-type(2) ";
    new Select(b.find(rule2 + "select[name=trigger]")).selectByValue("regex");
    b.type(rule2 + "input[name=pattern]", "(a+)+");
    new Select(b.find(rule2 + "fieldset.bot-action:nth-of-type(1) select[name=action]")).selectByValue("ask");
    b.type(rule2 + "fieldset.bot-action:nth-of-type(1) textarea[name=text]", "What is your order number?");
    new Select(b.find(rule2 + "fieldset.bot-action:nth-of-type(1) select[name=property]")).selectByValue("order_number");
    b.click(editor + "button[type=submit]");
    b.awaitText(editor + ".form-error", "Rule 2, trigger pattern: ");
    assertThat(named("/chatbots", "Front desk")).isNull();

    b.type(rule2 + "input[name=pattern]", "order\\s*#?\\d{4,}");
    b.click(editor + "button[type=submit]");
    b.awaitText(".table tbody", "Front desk");
    JsonObject bot = named("/chatbots", "Front desk");
    assertThat(bot.getBoolean("enabled")).isTrue();
    JsonArray rules = bot.getJsonArray("rules");
    assertThat(rules).hasSize(2);
    assertThat(rules.getJsonObject(0).getJsonObject("trigger").getJsonArray("keywords")).containsExactly("price", "pricing");
    assertThat(rules.getJsonObject(0).getJsonArray("actions").getJsonObject(0).getString("text")).isEqualTo("Our plans start at 10 EUR a month.");
    assertThat(rules.getJsonObject(0).getJsonArray("actions").getJsonObject(1).getString("type")).isEqualTo("handover");
    assertThat(rules.getJsonObject(1).getJsonObject("trigger").getString("pattern")).isEqualTo("order\\s*#?\\d{4,}");
    JsonObject ask = rules.getJsonObject(1).getJsonArray("actions").getJsonObject(0);
    assertThat(ask.getString("type")).isEqualTo("ask");
    assertThat(ask.getString("property")).isEqualTo("order_number");

    // reopened, the editor shows what was saved
    b.click("tr[data-definition='" + bot.getLong("id") + "'] button[aria-label='Edit Front desk']");
    b.awaitText(editor + "h2", "Edit Front desk");
    assertThat(b.find(rule1 + "input[name=keywords]").getAttribute("value")).isEqualTo("price, pricing");
    assertThat(new Select(b.find(rule2 + "select[name=trigger]")).getFirstSelectedOption().getAttribute("value")).isEqualTo("regex");
    b.screenshot("settings-chatbot");

    // rules are tried from the top: the second moves above the first
    b.click(rule2 + "button[aria-label='Move rule 2 up']");
    b.awaitText(editor + "fieldset.bot-rule:nth-of-type(1) legend", "Rule 1");
    assertThat(new Select(b.find(rule1 + "select[name=trigger]")).getFirstSelectedOption().getAttribute("value")).isEqualTo("regex");
    b.click(editor + "button[type=submit]");
    b.until("the new order to be saved", java.time.Duration.ofSeconds(10), () -> "regex".equals(hub.admin()
        .get("/api/v1/chatbots/" + bot.getLong("id")).expect(200).json().getJsonArray("rules").getJsonObject(0)
        .getJsonObject("trigger").getString("type")));
  }
}
