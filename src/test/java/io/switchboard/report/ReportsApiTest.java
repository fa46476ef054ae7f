package io.switchboard.report;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reports over REST against a known week (see {@link ReportsSeed} for how every expected figure comes about). */
@WithHub
class ReportsApiTest {

  static TestHub hub;
  static ReportsSeed seed;
  static final String WEEK = "from=" + ReportsSeed.FROM + "&to=" + ReportsSeed.TO;

  @BeforeAll
  static void setUp() throws Exception {
    seed = ReportsSeed.seed(hub, "Reports");
  }

  static JsonObject get(ApiClient c, String path) {
    ApiClient.Response r = c.get(path);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  @Test
  @DisplayName("the summary of an inbox with business hours: exact counts, medians and 90th percentiles, and the week before")
  void summaryOfOneInbox() {
    JsonObject r = get(seed.sueClient, "/api/v1/reports/summary?" + WEEK + "&inbox_id=" + seed.inboxA);
    assertEquals("2026-11-02T00:00:00Z", r.getString("from"));
    assertEquals("2026-11-09T00:00:00Z", r.getString("to"));
    assertTrue(r.getBoolean("business_hours"));
    assertEquals("UTC", r.getString("timezone"));
    JsonObject f = r.getJsonObject("figures");
    assertEquals(4, f.getLong("conversations_opened"));
    assertEquals(3, f.getLong("conversations_resolved"));
    assertEquals(2, f.getLong("conversations_reopened"));
    assertEquals(5, f.getLong("messages_in"));
    assertEquals(3, f.getLong("messages_out"));
    assertEquals(1, f.getLong("calls_answered"));
    assertEquals(1, f.getLong("calls_missed"));
    assertEquals(1, f.getLong("voicemails"));
    JsonObject fr = f.getJsonObject("first_response");
    assertEquals(3, fr.getLong("count"));
    assertEquals(1, fr.getLong("unanswered"));
    assertEquals(1800, fr.getLong("median_seconds"));
    assertEquals(7200, fr.getLong("p90_seconds"));
    JsonObject res = f.getJsonObject("resolution");
    assertEquals(2, res.getLong("count"));
    assertEquals(7200, res.getLong("median_seconds"));
    assertEquals(10800, res.getLong("p90_seconds"));
    JsonObject sat = f.getJsonObject("satisfaction");
    assertEquals(4, sat.getLong("asked"));
    assertEquals(3, sat.getLong("answered"));
    assertEquals(0.75, sat.getDouble("response_rate"));
    assertEquals(0.6667, sat.getDouble("score"));
    assertEquals(4.0, sat.getDouble("mean_rating"));

    JsonObject prev = r.getJsonObject("previous");
    assertEquals("2026-10-26T00:00:00Z", prev.getString("from"));
    assertEquals("2026-11-02T00:00:00Z", prev.getString("to"));
    JsonObject p = prev.getJsonObject("figures");
    assertEquals(1, p.getLong("conversations_opened"));
    assertEquals(1, p.getLong("messages_in"));
    assertEquals(0, p.getLong("messages_out"));
    assertEquals(0, p.getJsonObject("first_response").getLong("count"));
    assertEquals(1, p.getJsonObject("first_response").getLong("unanswered"));
    assertNull(p.getJsonObject("first_response").getValue("median_seconds"));
  }

  @Test
  @DisplayName("all of a viewer's inboxes together; an inbox without business hours counts the clock")
  void summaryOfAllInboxes() {
    JsonObject f = get(hub.admin(), "/api/v1/reports/summary?" + WEEK).getJsonObject("figures");
    assertEquals(5, f.getLong("conversations_opened"));
    assertEquals(4, f.getLong("conversations_resolved"));
    assertEquals(6, f.getLong("messages_in"));
    assertEquals(4, f.getLong("messages_out"));
    // first responses 0, 1,800, 3,600 (inbox B, on the clock) and 7,200 s
    assertEquals(4, f.getJsonObject("first_response").getLong("count"));
    assertEquals(1800, f.getJsonObject("first_response").getLong("median_seconds"));
    assertEquals(7200, f.getJsonObject("first_response").getLong("p90_seconds"));
    // resolutions 7,200, 10,800 and 10,800 s
    assertEquals(10800, f.getJsonObject("resolution").getLong("median_seconds"));
    assertEquals(10800, f.getJsonObject("resolution").getLong("p90_seconds"));
    assertEquals(5, f.getJsonObject("satisfaction").getLong("asked"));
    assertEquals(0.5, f.getJsonObject("satisfaction").getDouble("score"));
    assertEquals(3.25, f.getJsonObject("satisfaction").getDouble("mean_rating"));
  }

  @Test
  @DisplayName("a viewer who is not a member of an inbox sees none of its figures: 404 for it, left out of the totals")
  void membership() {
    ApiClient.Response r = seed.sueClient.get("/api/v1/reports/summary?" + WEEK + "&inbox_id=" + seed.inboxB);
    assertEquals(404, r.status(), r.toString());
    for (String path : List.of("agents", "heatmap")) {
      assertEquals(404, seed.sueClient.get("/api/v1/reports/" + path + "?" + WEEK + "&inbox_id=" + seed.inboxB).status());
    }
    assertEquals(404, seed.sueClient.get("/api/v1/reports/timeseries?metric=messages_in&" + WEEK + "&inbox_id=" + seed.inboxB).status());
    // an inbox that does not exist answers the same
    assertEquals(404, seed.sueClient.get("/api/v1/reports/summary?" + WEEK + "&inbox_id=99999999").status());
    JsonObject all = get(seed.sueClient, "/api/v1/reports/summary?" + WEEK);
    assertEquals(new JsonArray().add(seed.inboxA), all.getJsonArray("inbox_ids"));
    assertEquals(4, all.getJsonObject("figures").getLong("conversations_opened"));
    assertEquals(5, all.getJsonObject("figures").getLong("messages_in"));
    assertEquals(4, all.getJsonObject("figures").getJsonObject("satisfaction").getLong("asked"));
    // an agent without reports.view gets none at all
    assertEquals(403, seed.agentClient.get("/api/v1/reports/summary?" + WEEK).status());
  }

  @Test
  @DisplayName("filters: one agent's conversations, one channel")
  void filters() {
    JsonObject f = get(seed.sueClient, "/api/v1/reports/summary?" + WEEK + "&inbox_id=" + seed.inboxA + "&agent_id=" + seed.sue)
        .getJsonObject("figures");
    assertEquals(2, f.getLong("conversations_opened"));
    assertEquals(2, f.getLong("messages_in"));
    assertEquals(1, f.getLong("messages_out"));
    assertEquals(2, f.getLong("conversations_resolved"));
    assertEquals(1, f.getLong("conversations_reopened"));
    assertEquals(7200, f.getJsonObject("first_response").getLong("median_seconds"));
    assertEquals(3, f.getJsonObject("satisfaction").getLong("asked"));
    JsonObject none = get(seed.sueClient, "/api/v1/reports/summary?" + WEEK + "&channel=email").getJsonObject("figures");
    assertEquals(0, none.getLong("conversations_opened"));
    assertEquals(0, none.getLong("messages_in"));
    JsonObject api = get(seed.sueClient, "/api/v1/reports/summary?" + WEEK + "&channel=api").getJsonObject("figures");
    assertEquals(4, api.getLong("conversations_opened"));
  }

  @Test
  @DisplayName("per agent: messages, resolutions, first responses and satisfaction")
  void agents() {
    JsonArray agents = get(seed.sueClient, "/api/v1/reports/agents?" + WEEK + "&inbox_id=" + seed.inboxA).getJsonArray("agents");
    JsonObject sue = byId(agents, seed.sue);
    assertEquals(1, sue.getLong("messages_out"));
    assertEquals(2, sue.getLong("conversations_resolved"));
    assertEquals(1, sue.getJsonObject("first_response").getLong("count"));
    assertEquals(7200, sue.getJsonObject("first_response").getLong("median_seconds"));
    assertEquals(3, sue.getJsonObject("satisfaction").getLong("asked"));
    assertEquals(2, sue.getJsonObject("satisfaction").getLong("answered"));
    assertEquals(0.6667, sue.getJsonObject("satisfaction").getDouble("response_rate"));
    assertEquals(0.5, sue.getJsonObject("satisfaction").getDouble("score"));
    assertEquals(3.5, sue.getJsonObject("satisfaction").getDouble("mean_rating"));
    JsonObject admin = byId(agents, seed.admin);
    assertEquals(2, admin.getLong("messages_out"));
    assertEquals(1, admin.getLong("conversations_resolved"));
    // first responses 1,800 and 0 s
    assertEquals(2, admin.getJsonObject("first_response").getLong("count"));
    assertEquals(0, admin.getJsonObject("first_response").getLong("median_seconds"));
    assertEquals(1800, admin.getJsonObject("first_response").getLong("p90_seconds"));
    assertEquals(1.0, admin.getJsonObject("satisfaction").getDouble("score"));
  }

  static JsonObject byId(JsonArray agents, long id) {
    for (Object o : agents) if (((JsonObject) o).getLong("agent_id") == id) return (JsonObject) o;
    throw new AssertionError("no agent " + id + " in " + agents);
  }

  @Test
  @DisplayName("the time series by day and by week, empty days included")
  void timeseries() {
    JsonObject r = get(seed.sueClient, "/api/v1/reports/timeseries?metric=messages_in&interval=day&" + WEEK + "&inbox_id=" + seed.inboxA);
    JsonArray points = r.getJsonArray("points");
    assertEquals(7, points.size());
    long[] expected = {2, 1, 1, 0, 0, 1, 0};
    for (int i = 0; i < 7; i++) {
      assertEquals("2026-11-0" + (i + 2), points.getJsonObject(i).getString("start"));
      assertEquals(expected[i], points.getJsonObject(i).getLong("value"), "day " + i);
    }
    JsonArray weeks = get(seed.sueClient, "/api/v1/reports/timeseries?metric=conversations_resolved&interval=week&" + WEEK)
        .getJsonArray("points");
    assertEquals(1, weeks.size());
    assertEquals("2026-11-02", weeks.getJsonObject(0).getString("start"));
    assertEquals(3, weeks.getJsonObject(0).getLong("value"));
  }

  @Test
  @DisplayName("the heatmap in the inbox's time zone, or one asked for")
  void heatmap() {
    JsonObject r = get(seed.sueClient, "/api/v1/reports/heatmap?" + WEEK + "&inbox_id=" + seed.inboxA);
    assertEquals("UTC", r.getString("timezone"));
    assertEquals("inbox", r.getString("timezone_from"));
    JsonArray cells = r.getJsonArray("cells");
    assertEquals(7, cells.size());
    assertEquals(1, cells.getJsonArray(0).getLong(10));
    assertEquals(1, cells.getJsonArray(0).getLong(16));
    assertEquals(1, cells.getJsonArray(1).getLong(9));
    assertEquals(1, cells.getJsonArray(2).getLong(10));
    assertEquals(1, cells.getJsonArray(5).getLong(8));
    long total = 0;
    for (Object d : cells) for (Object n : (JsonArray) d) total += ((Number) n).longValue();
    assertEquals(5, total);
    JsonObject ams = get(seed.sueClient, "/api/v1/reports/heatmap?" + WEEK + "&inbox_id=" + seed.inboxA + "&tz=Europe/Amsterdam");
    assertEquals("Europe/Amsterdam", ams.getString("timezone"));
    assertEquals("tz", ams.getString("timezone_from"));
    assertEquals(1, ams.getJsonArray("cells").getJsonArray(0).getLong(11));
    assertEquals(0, ams.getJsonArray("cells").getJsonArray(0).getLong(10));
  }

  @Test
  @DisplayName("CSV by ?format=csv or Accept: text/csv, quoted where it must be")
  void csv() throws Exception {
    ApiClient.Response r = seed.sueClient.get("/api/v1/reports/summary?" + WEEK + "&inbox_id=" + seed.inboxA + "&format=csv");
    assertEquals(200, r.status());
    assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    List<String> lines = r.body().lines().toList();
    assertEquals("figure,current,previous", lines.get(0));
    assertTrue(lines.contains("conversations_opened,4,1"), lines.toString());
    assertTrue(lines.contains("first_response.median_seconds,1800,"), lines.toString());
    assertTrue(lines.contains("resolution.p90_seconds,10800,"), lines.toString());

    HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(hub.base() + "/api/v1/reports/agents?" + WEEK + "&inbox_id=" + seed.inboxA))
        .header("Cookie", seed.sueClient.cookieHeader()).header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, accepted.statusCode());
    assertTrue(accepted.body().startsWith("agent_id,name,email,messages_out"), accepted.body());
    assertTrue(accepted.body().contains(seed.sue + ",reports-sue,reports-sue@example.com,1,2,1,7200,7200,"), accepted.body());

    String heat = seed.sueClient.get("/api/v1/reports/heatmap?" + WEEK + "&inbox_id=" + seed.inboxA + "&format=csv").body();
    assertTrue(heat.startsWith("weekday,0,1,2"), heat);
    assertTrue(heat.contains("\r\nmon,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,0,0,0,0,0,0,0\r\n"), heat);
    String series = seed.sueClient.get("/api/v1/reports/timeseries?metric=messages_out&" + WEEK + "&format=csv").body();
    assertTrue(series.startsWith("start,messages_out\r\n2026-11-02,1\r\n2026-11-03,1\r\n"), series);

  }

  @Test
  @DisplayName("a bad request is a 400 naming the field")
  void validation() {
    String a = "&inbox_id=" + seed.inboxA;
    expect400("/api/v1/reports/summary?from=2026-11-09&to=2026-11-02" + a, "from");
    expect400("/api/v1/reports/summary?from=2025-01-01&to=2026-11-02" + a, "to");
    expect400("/api/v1/reports/summary?from=yesterday&to=2026-11-02" + a, "from");
    expect400("/api/v1/reports/summary?from=2026-11-01&to=2026-13-02" + a, "to");
    expect400("/api/v1/reports/timeseries?metric=happiness&" + WEEK, "metric");
    expect400("/api/v1/reports/timeseries?" + WEEK, "metric");
    expect400("/api/v1/reports/timeseries?metric=messages_in&interval=month&" + WEEK, "interval");
    expect400("/api/v1/reports/summary?" + WEEK + "&inbox_id=abc", "inbox_id");
    expect400("/api/v1/reports/summary?" + WEEK + "&channel=pigeon", "channel");
    expect400("/api/v1/reports/heatmap?" + WEEK + "&tz=Mars/Base", "tz");
    expect400("/api/v1/reports/agents?" + WEEK + "&format=xml", "format");
    assertFalse(seed.sueClient.get("/api/v1/reports/summary?" + WEEK).body().isEmpty());
  }

  static void expect400(String path, String field) {
    ApiClient.Response r = seed.sueClient.get(path);
    assertEquals(400, r.status(), path + " → " + r);
    assertEquals(field, r.errorField(), path + " → " + r);
  }
}
