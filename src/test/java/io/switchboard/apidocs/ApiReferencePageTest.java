package io.switchboard.apidocs;

import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.switchboard.web.AgentApp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
@WithBrowser
class ApiReferencePageTest {

  static TestHub hub;
  static Browser browser;

  @Test
  @DisplayName("the reference page lists the API's operations under the hub's Content-Security-Policy, with no violation or script error")
  void rendersUnderTheCsp() throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.base() + "/api/docs/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'self'").contains("style-src 'self'").doesNotContain("unsafe"));
    assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");

    Browser b = browser;
    b.open("/api/docs/");
    b.awaitText(".opblock-summary", "List conversations", Duration.ofSeconds(30));
    assertThat(b.text(".info .title")).contains("Switchboard API");
    assertThat(b.all(".opblock").size()).as("operations shown").isGreaterThan(90);
    // an operation opens with its parameters and answers
    b.click("#operations-Users-getUser .opblock-summary-control");
    b.await("#operations-Users-getUser .responses-table");
    b.screenshot("api-reference");
    assertThat(b.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  @Test
  @DisplayName("signed in to the agent app, a write tried from the page carries the session's CSRF token and is done")
  void triesWithTheSession() throws Exception {
    Browser b = browser;
    AgentApp.signIn(b, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    b.open("/api/docs/");
    b.awaitText(".opblock-summary", "Create a personal token", Duration.ofSeconds(30));
    // "Try it out" on POST /tokens, with the example body the page fills in
    b.click("#operations-Session-createToken .opblock-summary-control");
    b.click("#operations-Session-createToken .try-out__btn");
    b.click("#operations-Session-createToken .execute");
    b.awaitText("#operations-Session-createToken .live-responses-table .response-col_status", "201", Duration.ofSeconds(15));
    assertThat(hub.admin().get("/api/v1/tokens").items()).hasSizeGreaterThan(0);
    b.driver.manage().deleteAllCookies();
  }

  @Test
  @DisplayName("the page's address without its trailing slash shows the same page")
  void withoutSlash() {
    Browser b = browser;
    b.open("/api/docs");
    b.awaitText(".opblock-summary", "Sign in", Duration.ofSeconds(30));
    assertThat(b.pageErrors()).isEmpty();
  }
}
