package io.switchboard.web;

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

import static org.assertj.core.api.Assertions.assertThat;

/** The contacts and profiles pages: search, open, edit, attach and detach, notes, delete after confirming. */
@WithHub
@WithBrowser
class ContactsPagesTest {

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

  static long contact(String name, String email) {
    return hub.admin().post("/api/v1/contacts", new JsonObject().put("name", name).put("email", email)).expect(201).json().getLong("id");
  }

  @Test
  @DisplayName("contacts: search finds a contact, its page edits a field and keeps notes, and delete asks first")
  void contacts() {
    long ada = contact("Ada Lovelace", "ada@analytical.example");
    contact("Charles Babbage", "charles@analytical.example");
    Browser b = browser;
    b.open("/#/contacts");
    b.type(".list-pane input[type=search]", "lovelace");
    b.until("only Ada is listed", () -> b.all(".entity-row").size() == 1 && b.text(".entity-row").contains("Ada Lovelace"));
    b.click(".entity-row[data-contact='" + ada + "']");
    b.awaitText(".detail-card h2", "Ada Lovelace");

    b.click(".detail-card .inline-edit[data-field=company]");
    WebElement input = b.await(".detail-card input[data-field=company]");
    input.sendKeys("Analytical Engines", Keys.ENTER);
    b.awaitText(".detail-card .inline-edit[data-field=company]", "Analytical Engines");
    assertThat(hub.admin().get("/api/v1/contacts/" + ada).expect(200).json().getString("company")).isEqualTo("Analytical Engines");

    b.type(".detail-card textarea[aria-label='New note']", "Prefers e-mail over phone.");
    b.click(".detail-card form.stack button[type=submit]");
    b.awaitText(".detail-card .note-list", "Prefers e-mail over phone.");
    b.screenshot("contacts");

    b.click("[data-action=delete-contact]");
    b.awaitText("dialog[open]", "deleted for good");
    b.click("dialog[open] .btn:not([data-confirm])");
    assertThat(hub.admin().get("/api/v1/contacts/" + ada).status()).as("cancel keeps the contact").isEqualTo(200);
    b.click("[data-action=delete-contact]");
    b.click("dialog[open] [data-confirm]");
    b.until("the contact is gone from the list", () -> !b.present(".entity-row[data-contact='" + ada + "']"));
    assertThat(hub.admin().get("/api/v1/contacts/" + ada).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("profiles: create one, attach and detach contacts, add a note, delete after confirming (the contacts stay)")
  void profiles() {
    long grace = contact("Grace Hopper", "grace@navy.example");
    long alan = contact("Alan Turing", "alan@bletchley.example");
    Browser b = browser;
    b.open("/#/profiles");
    b.click(".list-pane .btn-primary");
    b.type("dialog[open] input[name=name]", "Computing Pioneers");
    b.click("dialog[open] button[type=submit]");
    b.awaitText(".detail-card h2", "Computing Pioneers");
    long profile = Long.parseLong(b.driver.getCurrentUrl().replaceAll(".*/profiles/", ""));

    for (String who : new String[] {"Grace", "Alan"}) {
      b.click("[data-action=attach-contact]");
      b.type("dialog[open] input[type=search]", who);
      b.click("dialog[open] .choice[data-contact='" + (who.equals("Grace") ? grace : alan) + "']");
      b.awaitText(".detail-card .channel-group", who);
    }
    JsonArray attached = hub.admin().get("/api/v1/profiles/" + profile).expect(200).json().getJsonArray("contacts");
    assertThat(attached).hasSize(2);
    assertThat(b.text(".detail-card .channel-group[data-channel=email]")).contains("grace@navy.example", "alan@bletchley.example");

    b.type(".detail-card textarea[aria-label='New note']", "Met at the conference.");
    b.click(".detail-card form.stack button[type=submit]");
    b.awaitText(".detail-card .note-list", "Met at the conference.");
    b.screenshot("profiles");

    b.click(".detail-card .channel-group li[data-contact='" + alan + "'] [data-action=detach]");
    b.click("dialog[open] [data-confirm]");
    b.until("Alan is detached", () -> !b.present(".detail-card li[data-contact='" + alan + "']"));
    assertThat(hub.admin().get("/api/v1/profiles/" + profile).expect(200).json().getJsonArray("contacts")).hasSize(1);

    b.click("[data-action=delete-profile]");
    b.click("dialog[open] [data-confirm]");
    b.until("the profile is gone", () -> !b.present(".entity-row[data-profile='" + profile + "']") && b.present(".detail-pane .empty-state"));
    assertThat(hub.admin().get("/api/v1/profiles/" + profile).status()).isEqualTo(404);
    assertThat(hub.admin().get("/api/v1/contacts/" + grace).status()).as("its contacts stay").isEqualTo(200);
  }
}
