package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real browsers: a visitor chats on a shop's page (its own origin) through widget.js, the agent resolves the
 * conversation in the agent app, the visitor's widget asks for a rating inline, the visitor rates, and the agent's
 * open conversation shows the rating as it arrives.
 */
@WithHub
@WithBrowser
class ReviewBrowserTest {

  static TestHub hub;
  static Browser browser;
  static HttpServer site;
  static final Vertx vertx = Vertx.vertx();

  @AfterAll
  static void stop() throws Exception {
    if (site != null) site.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  static String serveShop(String key) throws Exception {
    String page = """
        <!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>The Teapot Shop</h1>
        <script src="HUB/widget.js" data-key="KEY" async></script></body></html>""".replace("HUB", hub.base()).replace("KEY", key);
    site = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + site.actualPort() + "/";
  }

  static SearchContext widget() {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.cssSelector("[data-switchboard-widget]")).getShadowRoot());
  }

  static WebElement awaitIn(SearchContext root, String css) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d -> {
      List<WebElement> found = root.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(found.size() - 1);
    });
  }

  @Test
  @DisplayName("a widget conversation resolved by the agent asks the visitor for a rating inline; the rating shows live in the agent's conversation")
  void widgetRatingArrivesLive() throws Exception {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Teapot Shop");
    JsonObject w = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget")
        .put("name", "Teapot help")).expect(201).json();
    admin.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject().put("reviews", new JsonObject()
        .put("enabled", true).put("channels", new JsonArray().add("widget")).put("message", "How was our help today?")))).expect(200);
    String shop = serveShop(w.getString("key"));

    long conversation;
    try (LiveClient live = LiveClient.agent(hub, admin)) {
      live.awaitType("hello");
      browser.driver.get(shop);
      SearchContext root = widget();
      awaitIn(root, "[data-sb=launcher]").click();
      WebElement input = awaitIn(root, "[data-sb=input]");
      input.sendKeys("My teapot lid does not fit");
      awaitIn(root, "[data-sb=send]").click();
      conversation = live.await(f -> "message.created".equals(f.getString("type"))
          && "My teapot lid does not fit".equals(f.getJsonObject("data").getJsonObject("activity").getString("text")), Duration.ofSeconds(15))
          .getLong("conversation");
    }

    try (Browser agent = Browser.start(hub.base())) {
      AgentApp.signIn(agent, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
      AgentApp.awaitLive(agent);
      AgentApp.openConversation(agent, conversation);
      agent.awaitText(".history", "My teapot lid does not fit");
      // the header re-renders as events arrive: find and click in one step, again if the button went stale
      agent.until("the Resolve button clicked", () -> {
        for (WebElement b : agent.all(".btn")) {
          if ("Resolve".equals(b.getText())) {
            b.click();
            return true;
          }
        }
        return false;
      });

      // the visitor's widget asks, under the inbox's message
      SearchContext root = widget();
      WebElement prompt = awaitIn(root, "[data-sb=review]");
      assertThat(awaitIn(root, ".msg[data-from=agent] .bubble").getText()).isEqualTo("How was our help today?");
      assertThat(prompt.findElements(By.cssSelector("[data-sb^=star-]"))).hasSize(5);
      assertThat(awaitIn(root, "[data-sb=review-send]").isEnabled()).as("no rating chosen yet").isFalse();
      awaitIn(root, "[data-sb=star-4]").click();
      awaitIn(root, "[data-sb=review-comment]").sendKeys("Quick fix, thanks <b>!</b>");
      awaitIn(root, "[data-sb=review-send]").click();
      assertThat(awaitIn(root, "[data-sb=review-done]").getText()).isEqualTo("Thanks for your rating!");

      // the agent's open conversation shows it as it arrives: four stars and the comment, as text
      WebElement card = agent.await(".history .review-card[data-rating='4']", Duration.ofSeconds(15));
      assertThat(card.getText()).contains("4/5", "Quick fix, thanks <b>!</b>");
      assertThat(card.findElement(By.cssSelector(".review-stars .on")).getText()).isEqualTo("★★★★");
      assertThat(card.findElements(By.cssSelector("b"))).isEmpty();
      agent.screenshot("review-arrived");
      assertThat(agent.pageErrors()).isEmpty();

      // a reload of the shop shows no prompt again: the request is answered
      browser.driver.navigate().refresh();
      SearchContext again = widget();
      awaitIn(again, ".msg[data-from=agent]");
      assertThat(again.findElements(By.cssSelector("[data-sb=review] [data-sb=star-1]"))).isEmpty();
    }
  }

  @Test
  @DisplayName("the inbox's Customer reviews card saves settings.reviews: on, for the chosen channels, with the message and the low-rating action")
  void reviewsCard() {
    long inbox = hub.inbox("Review settings");
    try (Browser b = Browser.start(hub.base())) {
      AgentApp.signIn(b, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
      b.open("/#/settings/inboxes/" + inbox);
      b.await("[data-card=reviews] [data-field=reviews-enabled]");
      b.click("[data-card=reviews] [data-field=reviews-enabled]");
      b.click("[data-card=reviews] [data-field=reviews-channel][value=phone]");
      b.click("[data-card=reviews] [data-field=reviews-channel][value=widget]");
      b.find("[data-card=reviews] [data-field=reviews-message]").clear();
      b.type("[data-card=reviews] [data-field=reviews-message]", "Rate us, please!");
      new Select(b.find("[data-card=reviews] [data-field=reviews-action]")).selectByValue("assign");
      new Select(b.find("[data-card=reviews] [data-field=reviews-threshold]")).selectByValue("3");
      b.click("[data-card=reviews] button[type=submit]");
      b.until("the review settings are saved", () -> hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json()
          .getJsonObject("settings", new JsonObject()).getJsonObject("reviews") != null);
      JsonObject r = hub.admin().get("/api/v1/inboxes/" + inbox).expect(200).json().getJsonObject("settings").getJsonObject("reviews");
      assertThat(r.getBoolean("enabled")).isTrue();
      assertThat(r.getJsonArray("channels").getList()).containsExactlyInAnyOrder("phone", "widget");
      assertThat(r.getString("message")).isEqualTo("Rate us, please!");
      assertThat(r.getString("low_rating_action")).isEqualTo("assign");
      assertThat(r.getInteger("low_rating_threshold")).isEqualTo(3);
      assertThat(b.pageErrors()).isEmpty();
    }
  }
}
