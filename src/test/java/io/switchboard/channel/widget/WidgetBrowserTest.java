package io.switchboard.channel.widget;

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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real browser: a shop's page, served from another origin than the hub, embeds widget.js; a visitor chats with
 * an agent who is on the live socket and answers over REST.
 */
@WithHub
@WithBrowser
class WidgetBrowserTest {

  static TestHub hub;
  static HttpServer site;
  static final Vertx vertx = Vertx.vertx();
  static Browser browser;

  @AfterAll
  static void stop() throws Exception {
    if (site != null) site.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** The shop's page, on its own origin, with CSS that would wreck an unisolated widget. */
  static String serveShop(String key) throws Exception {
    String page = """
        <!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
        <style>button { display: none !important; } div, body { font-size: 60px; color: red; } textarea { visibility: hidden; }
        * { letter-spacing: 9px !important; }</style>
        </head><body><h1>The Kettle Shop</h1>
        <script src="HUB/widget.js" data-key="KEY" async></script>
        </body></html>""".replace("HUB", hub.base()).replace("KEY", key);
    site = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + site.actualPort() + "/";
  }

  static SearchContext widget() {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.cssSelector("[data-switchboard-widget]")).getShadowRoot());
  }

  static WebElement awaitIn(SearchContext root, String css) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(15)).until(d -> {
      List<WebElement> found = root.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(found.size() - 1);
    });
  }

  static List<String> bubbles(SearchContext root) {
    return root.findElements(By.cssSelector(".msg .bubble")).stream().map(WebElement::getText).toList();
  }

  @Test
  @DisplayName("a page embedding widget.js exchanges messages with an agent's live socket both ways, and a reload keeps the thread")
  void chatInTheBrowser() throws Exception {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Kettle Shop");
    String shopOrigin;
    // the shop is the only site allowed to embed this widget
    JsonObject w = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget")
        .put("name", "Kettle help").put("settings", new JsonObject().put("greeting", "Ask us anything about kettles")
            .put("color", "#0f766e").put("allowed_origins", new JsonArray().add("http://127.0.0.1:1")))).expect(201).json();
    String url = serveShop(w.getString("key"));
    shopOrigin = url.substring(0, url.length() - 1);
    admin.patch("/api/v1/endpoints/" + w.getLong("id"), new JsonObject().put("settings",
        new JsonObject().put("allowed_origins", new JsonArray().add(shopOrigin)))).expect(200);

    try (LiveClient agent = LiveClient.agent(hub, admin)) {
      agent.awaitType("hello");
      browser.driver.get(url);
      SearchContext root = widget();
      WebElement launcher = awaitIn(root, "[data-sb=launcher]");
      assertThat(launcher.isDisplayed()).as("the shop's CSS does not reach into the widget").isTrue();
      launcher.click();
      assertThat(awaitIn(root, "[data-sb=greeting]").getText()).isEqualTo("Ask us anything about kettles");
      assertThat(awaitIn(root, "[data-sb=title]").getText()).isEqualTo("Kettle help");

      WebElement input = awaitIn(root, "[data-sb=input]");
      String visitorText = "Is the <b>blue</b> kettle in stock? <img src=x onerror=\"window.pwned=1\">";
      input.sendKeys(visitorText);
      input.sendKeys(Keys.ENTER);
      awaitIn(root, ".msg[data-from=visitor][data-id]");

      JsonObject created = agent.await(f -> "message.created".equals(f.getString("type"))
          && visitorText.equals(f.getJsonObject("data").getJsonObject("activity").getString("text")), Duration.ofSeconds(15));
      long conversation = created.getLong("conversation");
      assertThat(created.getJsonObject("data").getJsonObject("activity").getJsonObject("data").getString("origin")).isEqualTo(shopOrigin);

      agent.send(new JsonObject().put("op", "typing").put("conversation", conversation));
      new WebDriverWait(browser.driver, Duration.ofSeconds(15)).until(d -> awaitIn(root, "[data-sb=typing]").getText().contains("is typing"));

      String agentText = "Yes! <script>window.pwned=2</script> Ships today: https://shop.example/kettles/blue";
      long reply = admin.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", agentText))
          .expect(201).json().getLong("id");
      WebElement answer = awaitIn(root, ".msg[data-from=agent] .bubble");
      assertThat(answer.getText()).isEqualTo(agentText);
      assertThat(root.findElements(By.cssSelector(".msg b, .msg script, .msg img"))).as("text is never HTML").isEmpty();
      assertThat(answer.findElement(By.cssSelector("a")).getDomAttribute("href")).isEqualTo("https://shop.example/kettles/blue");
      assertThat(((JavascriptExecutor) browser.driver).executeScript("return window.pwned === undefined")).isEqualTo(true);
      assertThat(bubbles(root)).containsExactly(visitorText, agentText);
      // the panel is open on a visible page: the reply was read
      WidgetProtocolTest.awaitStatus(agent, reply, "read");

      browser.driver.navigate().refresh();
      SearchContext again = widget();
      new WebDriverWait(browser.driver, Duration.ofSeconds(15)).until(d -> bubbles(again).size() == 2);
      assertThat(bubbles(again)).containsExactly(visitorText, agentText);
      WebElement input2 = awaitIn(again, "[data-sb=input]");
      input2.sendKeys("Great, I'll order it now");
      awaitIn(again, "[data-sb=send]").click();
      JsonObject second = agent.await(f -> "message.created".equals(f.getString("type"))
          && "Great, I'll order it now".equals(f.getJsonObject("data").getJsonObject("activity").getString("text")), Duration.ofSeconds(15));
      assertThat(second.getLong("conversation")).as("the reload continued the same conversation").isEqualTo(conversation);
      new WebDriverWait(browser.driver, Duration.ofSeconds(15)).until(d -> again.findElements(By.cssSelector(".msg[data-from=visitor][data-id]")).size() == 2);

      // with the panel closed a reply counts as unread on the launcher, and is read once the visitor opens it
      awaitIn(again, "[data-sb=close]").click();
      long closedReply = admin.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "Order received!"))
          .expect(201).json().getLong("id");
      WidgetProtocolTest.awaitStatus(agent, closedReply, "delivered");
      assertThat(awaitIn(again, "[data-sb=badge]").getText()).isEqualTo("1");
      awaitIn(again, "[data-sb=launcher]").click();
      WidgetProtocolTest.awaitStatus(agent, closedReply, "read");
      assertThat(awaitIn(again, "[data-sb=badge]").isDisplayed()).isFalse();
    }
  }
}
