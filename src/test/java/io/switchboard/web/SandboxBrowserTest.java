package io.switchboard.web;

import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's first minute on a fresh hub: the sample inbox is offered, created in sandbox mode with a customer
 * message waiting, the admin answers it and sees the reply delivered by the built-in simulator. Then the endpoint's
 * settings show the sandbox badge, and a test message sent from them comes in as a new conversation.
 */
@WithHub({"http.cookie_secure=false"})
@WithBrowser
class SandboxBrowserTest {

  static TestHub hub;
  static Browser browser;

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  @Test
  @DisplayName("a fresh hub offers a sample inbox; its simulated conversation opens, the reply shows delivered, and Settings shows the sandbox and sends test messages")
  void firstMinute() {
    Browser b = browser;
    long started = System.nanoTime();
    AgentApp.signIn(b, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(b);
    b.click("[data-action=create-sample-inbox]");
    b.await(".composer", Duration.ofSeconds(20));
    b.awaitText(".history", "blue kettle");

    JsonArray inboxes = hub.admin().get("/api/v1/inboxes").expect(200).items();
    JsonObject sample = inboxes.stream().map(o -> (JsonObject) o).filter(i -> "Sample".equals(i.getString("name"))).findFirst().orElseThrow();
    JsonObject number = hub.admin().get("/api/v1/inboxes/" + sample.getLong("id") + "/endpoints").expect(200).items().getJsonObject(0);
    assertThat(number.getBoolean("sandbox")).isTrue();
    assertThat(number.getString("channel")).isEqualTo("phone");

    long reply = AgentApp.reply(b, "Let me check that for you.");
    b.await(AgentApp.activity(reply) + " .delivery[data-status=delivered]", Duration.ofSeconds(20));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
    b.screenshot("sandbox-delivered");

    // the endpoint in Settings: badge, and a test message through its webhook
    b.open("/#/settings/inboxes/" + sample.getLong("id"));
    b.await("[data-card=endpoints] tr[data-endpoint='" + number.getLong("id") + "'] [data-sandbox]");
    b.click("[data-card=endpoints] tr[data-endpoint='" + number.getLong("id") + "'] [data-action=test-message]");
    b.find("dialog[open] input[name=from]").clear();
    b.type("dialog[open] input[name=from]", "+14155550177");
    b.find("dialog[open] textarea[name=text]").clear();
    b.type("dialog[open] textarea[name=text]", "A second customer writes");
    b.click("dialog[open] button[type=submit]");
    b.awaitText(".history", "A second customer writes");

    // a bad sender is refused, the field named by its label
    b.open("/#/settings/inboxes/" + sample.getLong("id"));
    b.click("[data-card=endpoints] tr[data-endpoint='" + number.getLong("id") + "'] [data-action=test-message]");
    b.find("dialog[open] input[name=from]").clear();
    b.type("dialog[open] input[name=from]", "not a number");
    b.click("dialog[open] button[type=submit]");
    b.awaitText("dialog[open] .form-error", "not a phone number");
    assertThat(b.text("dialog[open] .form-error")).startsWith("From");
    b.driver.findElement(org.openqa.selenium.By.cssSelector("dialog[open]")).sendKeys(Keys.ESCAPE);

    // adding a sandbox endpoint needs no provider settings
    b.click("[data-action=add-endpoint]");
    new Select(b.find("dialog[open] select[name=channel]")).selectByValue("whatsapp");
    b.click("dialog[open] input[name=sandbox]");
    b.type("dialog[open] input[name=name]", "Sandbox WhatsApp");
    b.click("dialog[open] button[type=submit]");
    b.awaitText("[data-card=endpoints] tbody", "Sandbox WhatsApp");
    JsonObject wa = hub.admin().get("/api/v1/inboxes/" + sample.getLong("id") + "/endpoints").expect(200).items().stream()
        .map(o -> (JsonObject) o).filter(e -> "whatsapp".equals(e.getString("channel"))).findFirst().orElseThrow();
    assertThat(wa.getBoolean("sandbox")).isTrue();
    assertThat(wa.getJsonArray("secrets_set").getList()).contains("access_token");
    b.await("[data-card=endpoints] tr[data-endpoint='" + wa.getLong("id") + "'] [data-sandbox]");
    b.screenshot("sandbox-settings");
  }
}
