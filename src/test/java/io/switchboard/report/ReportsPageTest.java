package io.switchboard.report;

import io.switchboard.testing.Browser;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithBrowser;
import io.switchboard.testing.WithHub;
import io.switchboard.web.AgentApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Reports page against the seeded week of {@link ReportsSeed}: the same figures as over REST, a chart, no CSP violation. */
@WithHub
@WithBrowser
class ReportsPageTest {

  static TestHub hub;
  static Browser browser;
  static ReportsSeed seed;

  @BeforeAll
  static void setUp() throws Exception {
    seed = ReportsSeed.seed(hub, "Page");
  }

  @Test
  @DisplayName("a supervisor's Reports page shows the seeded week's figures exactly, with the chart, heatmap and CSV links")
  void showsTheFigures() {
    Browser b = browser;
    AgentApp.signIn(b, "page-sue@example.com", TestHub.password("page-sue@example.com"));
    b.click("a.rail-link[data-page=reports]");
    b.await(".report-figure[data-figure=conversations_opened]", Duration.ofSeconds(15));
    b.js("document.querySelector('input[name=from]').value = '2026-11-02';"
        + "document.querySelector('input[name=to]').value = '2026-11-08';"
        + "document.querySelector('select[name=inbox_id]').value = arguments[0];", String.valueOf(seed.inboxA));
    b.click(".report-filters button[type=submit]");
    b.await(".report-figure[data-figure=conversations_opened][data-value='4']", Duration.ofSeconds(15));

    Map<String, String> expected = Map.ofEntries(
        Map.entry("conversations_opened", "4"), Map.entry("conversations_resolved", "3"), Map.entry("conversations_reopened", "2"),
        Map.entry("messages_in", "5"), Map.entry("messages_out", "3"), Map.entry("calls_answered", "1"),
        Map.entry("calls_missed", "1"), Map.entry("voicemails", "1"),
        Map.entry("first_response.median_seconds", "30 min"), Map.entry("first_response.p90_seconds", "2 h"),
        Map.entry("resolution.median_seconds", "2 h"), Map.entry("resolution.p90_seconds", "3 h"),
        Map.entry("satisfaction.score", "66.7%"), Map.entry("satisfaction.response_rate", "75%"),
        Map.entry("satisfaction.mean_rating", "4"));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertThat(b.text(".report-figure[data-figure='" + e.getKey() + "'] .figure-value")).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(b.attribute(".report-figure[data-figure='first_response.median_seconds']", "data-value")).isEqualTo("1800");
    assertThat(b.text(".report-figure[data-figure=conversations_opened] .figure-previous")).isEqualTo("previous: 1");
    assertThat(b.text(".report-note")).contains("business hours only").contains("UTC");

    // the chart: uPlot drew a canvas over the seven days
    b.await(".report-chart[data-points='7'] canvas", Duration.ofSeconds(15));
    assertThat(b.attribute(".report-chart", "data-total")).isEqualTo("5");
    // the heatmap and the agents
    assertThat(b.text(".heatmap td[data-day='0'][data-hour='10']")).isEqualTo("1");
    assertThat(b.text(".heatmap td[data-day='5'][data-hour='8']")).isEqualTo("1");
    assertThat(b.text(".heatmap td[data-day='3'][data-hour='10']")).isEmpty();
    assertThat(b.text(".report-table tr[data-agent='" + seed.sue + "'] td")).isEqualTo("1");
    assertThat(b.attribute("a.report-csv[data-csv=summary]", "href")).contains("format=csv").contains("inbox_id=" + seed.inboxA);
    b.screenshot("reports");
    assertThat(b.pageErrors()).as("script errors or Content-Security-Policy violations").isEmpty();
  }

  @Test
  @DisplayName("an agent without reports.view has no Reports entry, and the address leads back to the inbox")
  void hiddenWithoutPermission() {
    Browser b = browser;
    AgentApp.signOutQuietly(b);
    AgentApp.signIn(b, "page-ann@example.com", TestHub.password("page-ann@example.com"));
    assertThat(b.present("a.rail-link[data-page=reports]")).isFalse();
    b.open("/#/reports");
    b.await("nav.rail");
    b.until("the inbox is shown", Duration.ofSeconds(10), () -> !b.present(".reports"));
    assertThat(b.pageErrors()).isEmpty();
    AgentApp.signOutQuietly(b);
  }
}
