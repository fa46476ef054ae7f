package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
@WithBrowser
class SignInTest {

  static TestHub hub;
  static Browser browser;

  @BeforeEach
  void signedOut() {
    AgentApp.signOutQuietly(browser);
  }

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  @Test
  @DisplayName("a wrong password shows an error; the right one opens the inbox; signing out ends the session")
  void signInAndOut() {
    Browser b = browser;
    b.open("/");
    b.await("form.login-card");
    b.screenshot("login");
    b.type("input[name=email]", TestHub.ADMIN_EMAIL);
    b.type("input[name=password]", "not-the-password");
    b.click("form.login-card button[type=submit]");
    assertThat(b.await(".login-card .form-error").getText()).contains("Wrong e-mail or password");

    b.type("input[name=password]", TestHub.ADMIN_PASSWORD);
    b.click("form.login-card button[type=submit]");
    b.await("nav.rail");
    AgentApp.awaitLive(b);
    assertThat(b.attribute(".rail-link[data-page=inbox]", "aria-current")).isEqualTo("page");

    b.click(".me-button");
    b.click("[data-action=logout]");
    assertThat(b.await(".login-card .notice").getText()).contains("signed out");
    // the session is gone on the server too: a reload asks to sign in again
    b.open("/");
    b.await("form.login-card");
    assertThat(b.present("nav.rail")).isFalse();
  }

  @Test
  @DisplayName("an agent sees only the inboxes they are a member of, in the list, across inboxes and by address")
  void agentNeverSeesOtherInboxes() {
    long mine = hub.inbox("Agents Own");
    long other = hub.inbox("Not For Agents");
    ApiClient agent = hub.user("agent.visibility@example.com", "agent");
    hub.member(mine, agent.userId());
    JsonObject myEp = hub.apiEndpoint(mine, null);
    JsonObject otherEp = hub.apiEndpoint(other, null);
    long zeta = hub.inbox("Zeta Team");
    hub.member(zeta, agent.userId());
    agent.patch("/api/v1/me", new JsonObject().put("default_inbox_id", zeta)).expect(200);
    long visible = hub.ingestApi(myEp, "vis-1", "for the agent's team", "vis-1").expect(200).json().getLong("conversation_id");
    long hidden = hub.ingestApi(otherEp, "vis-2", "secret of another team", "vis-2").expect(200).json().getLong("conversation_id");

    Browser b = browser;
    AgentApp.signIn(b, "agent.visibility@example.com", TestHub.password("agent.visibility@example.com"));
    AgentApp.awaitLive(b);
    b.awaitText(".inbox-link", "Agents Own");
    // read once the list has settled (it is drawn again as live events arrive)
    b.until("the agent's inboxes are listed, the default one first (after \"All inboxes\"), then by name", () ->
        b.all(".inbox-link[data-inbox]:not([data-inbox=all])").stream().map(e -> e.getAttribute("data-inbox")).toList()
            .equals(List.of(String.valueOf(zeta), String.valueOf(mine))));
    b.until("no inbox of another team is listed", () ->
        b.all(".inbox-link").stream().map(e -> e.getText()).noneMatch(t -> t.contains("Not For Agents")));
    b.type(".panel-filter", "own");
    b.until("only the matching inbox is listed", () -> b.all(".inbox-link").size() == 1 && b.text(".inbox-link").contains("Agents Own"));
    b.find(".panel-filter").clear();
    b.type(".panel-filter", " ");
    AgentApp.openInbox(b, null);
    b.await(AgentApp.row(visible));
    assertThat(b.present(AgentApp.row(hidden))).isFalse();
    assertThat(b.text(".conv-list")).doesNotContain("secret of another team");

    // a new message in the other inbox never shows up live either
    long visibleLater = hub.ingestApi(myEp, "vis-3", "second visible", "vis-3").expect(200).json().getLong("conversation_id");
    hub.ingestApi(otherEp, "vis-4", "second secret", "vis-4").expect(200);
    b.await(AgentApp.row(visibleLater));
    assertThat(b.text(".conv-list")).doesNotContain("second secret");

    // typing the other inbox's address by hand shows nothing of it
    b.open("/#/inbox/" + other + "/c/" + hidden);
    assertThat(b.await(".conv-view-host .empty-state").getText()).contains("not available");
    assertThat(b.text(".conv-column")).contains("not a member");
    assertThat(b.text("body")).doesNotContain("secret of another team");

    // an agent's settings are their own account only
    b.open("/#/settings");
    b.await(".settings-link[data-section=account]");
    assertThat(b.present(".settings-link[data-section=inboxes]")).isFalse();
    assertThat(b.present(".settings-link[data-section=users]")).isFalse();
  }

  @Test
  @DisplayName("an admin manages an inbox they are not a member of in settings, but its conversations stay out of their inbox list")
  void adminWithoutMembership() {
    long inbox = hub.inbox("Managed Only");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    hub.ingestApi(ep, "mo-1", "only for members", "mo-1").expect(200);
    hub.removeMember(inbox, hub.admin().userId());

    Browser b = browser;
    AgentApp.signIn(b, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(b);
    AgentApp.openInbox(b, null);
    assertThat(b.all(".inbox-link")).extracting(e -> e.getText()).noneMatch(t -> t.contains("Managed Only"));
    assertThat(b.text(".conv-list")).doesNotContain("only for members");
    b.open("/#/settings/inboxes/" + inbox);
    assertThat(b.awaitText(".settings-row[data-inbox='" + inbox + "']", "Managed Only").getText()).contains("not a member");
  }

  @Test
  @DisplayName("the page is served with a strict Content-Security-Policy and no inline script or style")
  void strictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.base() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'").doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("style=").doesNotContainPattern("\\son[a-z]+=");
  }
}
