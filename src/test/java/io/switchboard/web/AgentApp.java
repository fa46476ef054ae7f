package io.switchboard.web;

import io.switchboard.testing.Browser;
import org.openqa.selenium.WebElement;

import java.util.List;

/** What the browser tests do in the agent app, named as an agent would say it. */
public final class AgentApp {

  private AgentApp() {
  }

  public static void signIn(Browser b, String email, String password) {
    b.open("/");
    b.await("form.login-card");
    b.type("input[name=email]", email);
    b.type("input[name=password]", password);
    b.click("form.login-card button[type=submit]");
    b.await("nav.rail");
  }

  /** Forgets the session and local settings, leaving the sign-in screen. */
  public static void signOutQuietly(Browser b) {
    b.driver.manage().deleteAllCookies();
    b.open("/");
    b.js("localStorage.clear(); sessionStorage.clear();");
    b.open("/");
    b.await("form.login-card");
  }

  /** Waits until the live connection is up (the rail's dot turns green). */
  public static void awaitLive(Browser b) {
    b.await(".live-dot[data-state=live]");
  }

  public static void openInbox(Browser b, Long inbox) {
    b.open("/#/inbox/" + (inbox == null ? "all" : inbox));
    b.await(".conv-column:not(.is-loading) .filters");
  }

  public static void openConversation(Browser b, long conversation) {
    b.open("/#/inbox/all/c/" + conversation);
    b.await(".composer");
    b.await(".channel-tab[aria-selected=true][data-conversation='" + conversation + "']");
  }

  public static String row(long conversation) {
    return ".conv-row[data-conversation='" + conversation + "']";
  }

  public static String activity(long id) {
    return ".history [data-activity='" + id + "']";
  }

  /** The ids of the activities the history shows, in screen order. */
  public static List<String> activityIds(Browser b) {
    return b.all(".history [data-activity]").stream().map(e -> e.getAttribute("data-activity")).toList();
  }

  /** Sends a reply from the composer; returns the id of the message it shows (which re-renders as its status moves). */
  public static long reply(Browser b, String text) {
    b.click(".composer-tab[data-mode=reply]");
    b.type(".composer-text", text);
    b.click(".send-btn");
    long[] id = new long[1];
    b.until("the reply shows in the history", () -> {
      for (WebElement e : b.all(".activity.dir-out")) {
        if (e.getText().contains(text)) {
          id[0] = Long.parseLong(e.getAttribute("data-activity"));
          return true;
        }
      }
      return false;
    });
    return id[0];
  }
}
