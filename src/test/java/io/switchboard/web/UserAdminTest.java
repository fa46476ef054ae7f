package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin finishes a user in one dialog, invites one by link, and sees the inboxes whose messages reach nobody. */
@WithHub
@WithBrowser
class UserAdminTest {

  static TestHub hub;
  static Browser browser;

  @AfterEach
  void noPageErrors() {
    assertThat(browser.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
    AgentApp.signOutQuietly(browser);
  }

  private static void signInAsAdmin() {
    AgentApp.signIn(browser, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    AgentApp.awaitLive(browser);
  }

  @Test
  @DisplayName("an admin creates an agent with inboxes and a default inbox in one dialog; the agent signs in and lands in that inbox")
  void agentCompleteInOneDialog() {
    long sales = hub.inbox("Dialog Sales");
    long support = hub.inbox("Dialog Support");
    hub.inbox("Dialog Billing");
    signInAsAdmin();
    Browser b = browser;
    b.open("/#/settings/users");
    b.click("[data-action=new-user]");
    b.type("dialog[open] input[name=name]", "Dana Dialog");
    b.type("dialog[open] input[name=email]", "dana@dialog.example");
    new Select(b.find("dialog[open] select[name=role]")).selectByValue("agent");
    b.type("dialog[open] input[name=phone]", "+31 20 555 0101");
    b.click("dialog[open] input[name=inbox][value='" + sales + "']");
    b.click("dialog[open] input[name=inbox][value='" + support + "']");
    new Select(b.find("dialog[open] select[name=default_inbox]")).selectByValue(String.valueOf(support));
    b.type("dialog[open] input[name=password]", "Lantern-Orchard-36");
    b.screenshot("user-dialog");
    b.click("dialog[open] button[type=submit]");

    WebElement row = b.awaitText(".users-table tbody tr", "dana@dialog.example");
    long id = Long.parseLong(row.getAttribute("data-user"));
    JsonObject dana = hub.admin().get("/api/v1/users/" + id).expect(200).json();
    assertThat(inboxIds(dana)).containsExactlyInAnyOrder(sales, support);
    assertThat(dana.getLong("default_inbox_id")).isEqualTo(support);
    assertThat(dana.getString("phone")).isEqualTo("+31205550101");
    String cells = "tr[data-user='" + id + "'] ";
    b.awaitText(cells + "[data-cell=default-inbox]", "Dialog Support");
    assertThat(b.text(cells + "[data-cell=inboxes]")).contains("Dialog Sales").contains("Dialog Support").doesNotContain("Billing");
    assertThat(b.text(cells + "[data-cell=status]")).isEqualTo("active");
    assertThat(b.text(cells + "[data-cell=last-seen]")).isEqualTo("never");
    b.screenshot("users-table");

    AgentApp.signOutQuietly(b);
    AgentApp.signIn(b, "dana@dialog.example", "Lantern-Orchard-36");
    b.await(".inbox-link[data-inbox='" + support + "'][aria-current=page]");
    assertThat(b.driver.getCurrentUrl()).endsWith("/#/inbox/" + support);
    assertThat(b.all(".inbox-link[data-inbox]")).extracting(WebElement::getText)
        .anyMatch(t -> t.contains("Dialog Sales")).noneMatch(t -> t.contains("Dialog Billing"));

    // the admin edits her in the same dialog: one inbox fewer
    AgentApp.signOutQuietly(b);
    signInAsAdmin();
    b.open("/#/settings/users");
    b.await("tr[data-user='" + id + "'] [data-action=edit-user]").click();
    b.await("dialog[open] input[name=inbox][value='" + sales + "']").click();
    b.click("dialog[open] button[type=submit]");
    b.until("Dana leaves Sales", () -> inboxIds(hub.admin().get("/api/v1/users/" + id).json()).equals(java.util.List.of(support)));
    assertThat(b.awaitText(cells + "[data-cell=last-seen]", "").getText()).isNotEqualTo("never");
  }

  @Test
  @DisplayName("an invite link, copied from the dialog, lets the invitee choose a password and signs them in; used again, it says so kindly")
  void inviteByLink() {
    long desk = hub.inbox("Invite Desk UI");
    signInAsAdmin();
    Browser b = browser;
    b.open("/#/settings/users");
    b.click("[data-action=new-user]");
    b.type("dialog[open] input[name=name]", "Ivo Invited");
    b.type("dialog[open] input[name=email]", "ivo@invite-ui.example");
    b.click("dialog[open] input[name=inbox][value='" + desk + "']");
    b.click("dialog[open] input[name=signin][value=invite]");
    assertThat(b.find("dialog[open] input[name=password]").isDisplayed()).isFalse();
    b.click("dialog[open] button[type=submit]");
    String link = b.await("dialog[open] [data-field=invite-link]").getAttribute("value");
    assertThat(link).contains("/#/invite/");
    assertThat(b.text("dialog[open] [data-card=invite]")).contains("shown only now");
    b.screenshot("invite-link");
    b.click("dialog[open] .dialog-actions .btn-primary");
    b.awaitText(".users-table tr", "ivo@invite-ui.example");
    b.awaitText(".users-table [data-cell=status]", "invited");

    AgentApp.signOutQuietly(b);
    String path = link.substring(link.indexOf("/#/"));
    b.open(path);
    b.await("form.invite-card");
    assertThat(b.text("form.invite-card h1")).contains("Ivo Invited");
    b.screenshot("invite-page");
    b.type("input[name=password]", "password");
    b.type("input[name=password_again]", "password");
    b.click("form.invite-card button[type=submit]");
    assertThat(b.awaitText("form.invite-card .form-error", "common").isDisplayed()).isTrue();
    b.type("input[name=password]", "Juniper-Falcon-82");
    b.type("input[name=password_again]", "Juniper-Falcon-82");
    b.click("form.invite-card button[type=submit]");
    b.await("nav.rail");
    b.await(".inbox-link[data-inbox='" + desk + "'][aria-current=page]");
    ApiClient ivo = hub.login("ivo@invite-ui.example", "Juniper-Falcon-82");
    assertThat(ivo.user.getLong("default_inbox_id")).isEqualTo(desk);

    AgentApp.signOutQuietly(b);
    b.open(path);
    assertThat(b.await("[data-invite-state=used]").getText()).contains("Sign in with your e-mail address");
    assertThat(b.text("h1")).contains("already used");
    b.click(".invite-card button");
    b.await("form.login-card");
  }

  @Test
  @DisplayName("removing an inbox's last member asks first; then the inbox is flagged in settings and in the admin's inbox list")
  void memberlessInboxIsFlagged() {
    long inbox = hub.inbox("Nobody Home");
    ApiClient agent = hub.user("only-member@flag.example", "agent");
    hub.member(inbox, agent.userId());
    hub.removeMember(inbox, hub.admin().userId());
    signInAsAdmin();
    Browser b = browser;
    b.open("/#/settings/inboxes/" + inbox);
    b.await("[data-card=members] li[data-member='" + agent.userId() + "'] button").click();
    assertThat(b.await("dialog[open] h2").getText()).contains("the last member");
    assertThat(b.text("dialog[open]")).contains("reach nobody");
    b.click("dialog[open] [data-confirm]");
    b.until("the last member is gone", () -> hub.admin().get("/api/v1/inboxes/" + inbox).json().getLong("member_count") == 0);
    b.await(".settings-row[data-inbox='" + inbox + "'] [data-warning=no-members]");
    b.awaitText("[data-card=members] [data-warning=no-members]", "reach nobody");

    b.open("/#/inbox/all");
    WebElement flagged = b.await(".inbox-flag[data-inbox='" + inbox + "'][data-warning=no-members]");
    assertThat(flagged.getText()).contains("Nobody Home").contains("No members");
    assertThat(flagged.getAttribute("title")).contains("reach nobody");
  }

  private static java.util.List<Long> inboxIds(JsonObject user) {
    return user.getJsonArray("inbox_ids").stream().map(o -> ((Number) o).longValue()).toList();
  }
}
