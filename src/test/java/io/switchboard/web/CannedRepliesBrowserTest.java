package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/** An agent inserts a canned reply from the composer with the keyboard, and saves one of their own in settings. */
@WithHub
@WithBrowser
class CannedRepliesBrowserTest {

  static TestHub hub;
  static Browser browser;
  static ApiClient agent;
  static long conversation;

  @BeforeAll
  static void setUp() {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Canned Desk");
    agent = hub.user("grace.agent@example.com", "agent");
    hub.member(inbox, agent.userId());
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "cb_plan").put("label", "Plan")
        .put("type", "text")).expect(201);
    JsonObject in = hub.ingestApi(hub.apiEndpoint(inbox, null), "cust-grace", "Hello there", null).expect(200).json();
    conversation = in.getLong("conversation_id");
    admin.patch("/api/v1/contacts/" + in.getLong("contact_id"), new JsonObject().put("name", "Grace Hopper")
        .put("properties", new JsonObject().put("cb_plan", "Gold"))).expect(200);
    admin.post("/api/v1/canned_replies", new JsonObject().put("shortcut", "greet").put("title", "Greeting")
        .put("text", "Hello {{contact.first_name}}, this is {{agent.name}} from {{inbox.name}} (plan {{contact.properties.cb_plan}}).")).expect(201);
    admin.post("/api/v1/canned_replies", new JsonObject().put("shortcut", "greet-formal").put("title", "Formal greeting")
        .put("text", "Dear {{contact.name}},").put("inbox_id", inbox)).expect(201);
    admin.post("/api/v1/canned_replies", new JsonObject().put("shortcut", "bye").put("title", "Goodbye").put("text", "Bye!")).expect(201);
    AgentApp.signIn(browser, "grace.agent@example.com", TestHub.password("grace.agent@example.com"));
    AgentApp.awaitLive(browser);
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  static String value(Browser b) {
    return (String) b.js("return document.querySelector('.composer-text').value");
  }

  @Test
  @DisplayName("typing /greet offers the matching replies with a filled-in preview; the keyboard picks one and inserts it filled in")
  void insertFromTheComposer() {
    Browser b = browser;
    AgentApp.openConversation(b, conversation);
    b.click(".composer-tab[data-mode=reply]");
    WebElement text = b.await(".composer-text");
    text.clear();
    text.sendKeys("Hi! /greet");
    b.await(".canned-menu:not([hidden])");
    b.until("both greetings are offered, /greet first", () ->
        b.all(".canned-item").stream().map(e -> e.getAttribute("data-shortcut")).toList().equals(java.util.List.of("greet", "greet-formal")));
    assertThat(b.attribute(".canned-item[aria-selected=true]", "data-shortcut")).isEqualTo("greet");
    b.awaitText(".canned-preview", "Hello Grace, this is grace.agent from Canned Desk (plan Gold).");

    text.sendKeys(Keys.ARROW_DOWN);
    assertThat(b.attribute(".canned-item[aria-selected=true]", "data-shortcut")).isEqualTo("greet-formal");
    b.awaitText(".canned-preview", "Dear Grace Hopper,");
    b.screenshot("canned-menu");
    text.sendKeys(Keys.ARROW_UP);
    assertThat(b.attribute(".canned-item[aria-selected=true]", "data-shortcut")).isEqualTo("greet");
    text.sendKeys(Keys.ENTER);
    b.until("the reply is inserted", () -> value(b).equals("Hi! Hello Grace, this is grace.agent from Canned Desk (plan Gold)."));
    assertThat(b.find(".canned-menu").isDisplayed()).isFalse();

    // Escape closes the menu and leaves the text as typed; Tab inserts too
    text.sendKeys(" /by");
    b.await(".canned-menu:not([hidden]) .canned-item[data-shortcut=bye]");
    text.sendKeys(Keys.ESCAPE);
    b.until("the menu closes", () -> !b.find(".canned-menu").isDisplayed());
    assertThat(value(b)).endsWith("(plan Gold). /by");
    // it stays closed while that "/by" is edited, and opens again for a "/" typed anew
    text.sendKeys(Keys.BACK_SPACE, "y");
    assertThat(b.find(".canned-menu").isDisplayed()).isFalse();
    text.sendKeys(Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, "/bye");
    b.await(".canned-menu:not([hidden]) .canned-item[data-shortcut=bye]");
    text.sendKeys(Keys.TAB);
    b.until("Tab inserts", () -> value(b).endsWith("(plan Gold). Bye!"));

    // a slash inside a word is not a shortcut
    text.sendKeys(" and/or");
    assertThat(b.find(".canned-menu").isDisplayed()).isFalse();
    b.screenshot("canned-composer");
  }

  @Test
  @DisplayName("an agent saves a reply of their own under Settings → Canned replies, and sees the shared ones")
  void createInSettings() {
    Browser b = browser;
    b.open("/#/settings/canned");
    b.awaitText("[data-canned-scope=shared] tbody", "/greet");
    b.type(".canned-form input[name=shortcut]", "thanks-mine");
    b.type(".canned-form input[name=title]", "My thanks");
    b.type(".canned-form textarea[name=text]", "Thanks, {{contact.first_name}}!");
    assertThat(b.find(".canned-form select[name=scope]").getAttribute("value")).isEqualTo("personal");
    b.click(".canned-form button[type=submit]");
    b.awaitText("[data-canned-scope=personal] tbody", "/thanks-mine");
    JsonObject saved = agent.get("/api/v1/canned_replies?q=thanks-mine").expect(200).items().getJsonObject(0);
    assertThat(saved.getString("scope")).isEqualTo("personal");
    assertThat(saved.getString("title")).isEqualTo("My thanks");
    assertThat(saved.getString("text")).isEqualTo("Thanks, {{contact.first_name}}!");
    assertThat(saved.getLong("owner_id")).isEqualTo(agent.userId());

    // a taken shortcut is refused with the field named
    b.type(".canned-form input[name=shortcut]", "thanks-mine");
    b.type(".canned-form textarea[name=text]", "again");
    b.click(".canned-form button[type=submit]");
    b.awaitText(".canned-form .form-error", "shortcut");
    b.screenshot("canned-settings");
  }
}
