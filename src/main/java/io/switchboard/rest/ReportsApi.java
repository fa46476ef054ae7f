package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.common.ApiError;
import io.switchboard.http.Rest;
import io.switchboard.inbox.Access;
import io.switchboard.node.Node;
import io.switchboard.report.Reports;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /api/v1/reports/summary|timeseries|agents|heatmap}: figures over the inboxes the viewer is a member of,
 * for {@code reports.view}; JSON, or CSV with {@code Accept: text/csv} or {@code ?format=csv}. See docs/reports.md.
 */
public final class ReportsApi {

  private static final Set<String> CHANNELS = Set.of("email", "sms", "phone", "whatsapp", "messenger", "instagram", "widget", "api");

  private ReportsApi() {
  }

  /** Where the web app loads uPlot from: its WebJar's {@code dist} folder, served from the jar under the hub's CSP. */
  public static final String UPLOT_PATH = "/app/vendor/uplot/";
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  /** Serves the chart library of the Reports page (call it on the hub's router, before its catch-all static handler). */
  public static void mountAssets(Router root) {
    Properties p = new Properties();
    try (InputStream in = ReportsApi.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) throw new IllegalStateException(UPLOT_POM + " is missing from the classpath");
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    root.get(UPLOT_PATH + "*").handler(StaticHandler.create("META-INF/resources/webjars/uplot/" + p.getProperty("version") + "/dist"));
  }

  public static void mount(Router api, Node node) {
    Reports reports = new Reports(node.db().pool());
    api.get("/reports/summary").handler(Rest.handle(ctx -> scope(ctx, node, reports, true).compose(q -> {
      Reports.Scope prev = q.scope().previous();
      return Future.all(reports.figures(q.scope(), q.hours()), reports.figures(prev, q.hours())).map(all -> {
        JsonObject cur = all.resultAt(0);
        JsonObject before = all.resultAt(1);
        JsonObject body = q.head().put("figures", cur).put("previous", new JsonObject()
            .put("from", prev.from().toString()).put("to", prev.to().toString()).put("figures", before));
        return answer(ctx, body, () -> summaryCsv(cur, before));
      });
    })));
    api.get("/reports/timeseries").handler(Rest.handle(ctx -> {
      String metric = ctx.queryParams().get("metric");
      if (metric == null || metric.isBlank()) throw ApiError.validation("metric", "metric is required, one of " + String.join(", ", Reports.METRICS));
      if (!Reports.METRICS.contains(metric)) throw ApiError.validation("metric", "unknown metric " + metric + "; use one of " + String.join(", ", Reports.METRICS));
      String interval = ctx.queryParams().get("interval") == null ? "day" : ctx.queryParams().get("interval");
      if (!interval.equals("day") && !interval.equals("week")) throw ApiError.validation("interval", "interval must be day or week");
      return scope(ctx, node, reports, true).compose(q -> reports.timeseries(q.scope(), metric, interval).map(points -> {
        JsonObject body = q.head().put("metric", metric).put("interval", interval).put("points", points);
        return answer(ctx, body, () -> {
          StringBuilder csv = new StringBuilder("start,").append(metric).append("\r\n");
          for (Object o : points) {
            JsonObject pt = (JsonObject) o;
            csv.append(Csv.row(List.of(pt.getString("start"), pt.getLong("value"))));
          }
          return csv.toString();
        });
      }));
    }));
    api.get("/reports/agents").handler(Rest.handle(ctx -> scope(ctx, node, reports, false)
        .compose(q -> reports.agents(q.scope(), q.hours()).map(agents -> answer(ctx, q.head().put("agents", agents), () -> agentsCsv(agents))))));
    api.get("/reports/heatmap").handler(Rest.handle(ctx -> scope(ctx, node, reports, false)
        .compose(q -> reports.heatmap(q.scope()).map(grid -> answer(ctx, q.head().put("metric", "messages_in")
            .put("weekdays", new JsonArray(List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun"))).put("cells", grid), () -> {
              StringBuilder csv = new StringBuilder("weekday");
              for (int h = 0; h < 24; h++) csv.append(',').append(h);
              csv.append("\r\n");
              String[] days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
              for (int d = 0; d < 7; d++) {
                List<Object> cells = new ArrayList<>();
                cells.add(days[d]);
                cells.addAll(grid.getJsonArray(d).getList());
                csv.append(Csv.row(cells));
              }
              return csv.toString();
            })))));
  }

  /** A parsed request: the scope, the inboxes' business hours, and the head every answer starts with. */
  private record Query(Reports.Scope scope, Map<Long, JsonObject> hours, JsonObject head) {
  }

  private static Future<Query> scope(RoutingContext ctx, Node node, Reports reports, boolean filters) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.REPORTS_VIEW);
    var qp = ctx.queryParams();
    String format = qp.get("format");
    if (format != null && !format.equals("json") && !format.equals("csv")) throw ApiError.validation("format", "format must be json or csv");
    Long inboxId = optId(qp.get("inbox_id"), "inbox_id");
    String channel = null;
    Long agentId = null;
    if (filters) {
      channel = qp.get("channel");
      if (channel != null && !CHANNELS.contains(channel)) throw ApiError.validation("channel", "unknown channel " + channel);
      agentId = optId(qp.get("agent_id"), "agent_id");
    }
    ZoneId asked = null;
    if (qp.get("tz") != null) {
      try {
        asked = ZoneId.of(qp.get("tz"));
      } catch (DateTimeException e) {
        throw ApiError.validation("tz", "tz " + qp.get("tz") + " is not a known time zone, e.g. Europe/Amsterdam");
      }
    }
    ZoneId askedZone = asked;
    String fromText = qp.get("from");
    String toText = qp.get("to");
    // dates are checked before anything is looked up, so a bad request is a 400 whatever the inbox
    instant(fromText, "from", ZoneOffset.UTC, false);
    instant(toText, "to", ZoneOffset.UTC, true);
    String ch = channel;
    Long agent = agentId;
    return Access.memberInboxes(node.db().pool(), a.userId()).compose(member -> {
      List<Long> inboxes;
      if (inboxId != null) {
        if (!member.contains(inboxId)) throw ApiError.notFound("inbox");
        inboxes = List.of(inboxId);
      } else {
        inboxes = member;
      }
      return reports.businessHours(inboxes).map(hours -> {
        ZoneId zone = askedZone;
        String zoneFrom = "tz";
        if (zone == null) {
          zone = ZoneOffset.UTC;
          zoneFrom = "default";
          if (inboxes.size() == 1 && hours.get(inboxes.get(0)) != null) {
            zone = ZoneId.of(hours.get(inboxes.get(0)).getString("timezone"));
            zoneFrom = "inbox";
          }
        }
        Instant to = toText == null ? node.clock().instant() : instant(toText, "to", zone, true);
        Instant from = fromText == null ? to.minus(Duration.ofDays(30)) : instant(fromText, "from", zone, false);
        if (!from.isBefore(to)) throw ApiError.validation("from", "from must be before to");
        if (Duration.between(from, to).compareTo(Duration.ofDays(366)) > 0) throw ApiError.validation("to", "a report covers at most a year (366 days)");
        boolean counted = inboxes.stream().anyMatch(i -> hours.get(i) != null);
        JsonObject head = new JsonObject().put("from", from.toString()).put("to", to.toString())
            .put("inbox_ids", new JsonArray(new ArrayList<>(inboxes))).put("channel", ch).put("agent_id", agent)
            .put("timezone", zone.getId()).put("timezone_from", zoneFrom).put("business_hours", counted);
        return new Query(new Reports.Scope(inboxes, from, to, ch, agent, zone), hours, head);
      });
    });
  }

  private static Long optId(String raw, String field) {
    if (raw == null || raw.isEmpty()) return null;
    try {
      long id = Long.parseLong(raw);
      if (id > 0) return id;
    } catch (NumberFormatException ignored) {
      // below
    }
    throw ApiError.validation(field, field + " must be a positive number");
  }

  /** A date ({@code 2026-11-01}, a whole day in the zone; {@code to} includes it) or an ISO-8601 instant with offset. */
  private static Instant instant(String text, String field, ZoneId zone, boolean end) {
    if (text == null) return null;
    try {
      if (text.length() == 10) {
        LocalDate d = LocalDate.parse(text);
        return (end ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      throw ApiError.validation(field, field + " must be a date (2026-11-01) or a time with offset (2026-11-01T09:00:00Z)");
    }
  }

  private static boolean wantsCsv(RoutingContext ctx) {
    String format = ctx.queryParams().get("format");
    if (format != null) return format.equals("csv");
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("text/csv") && !accept.contains("application/json");
  }

  /** The JSON body, or the CSV written straight away (the caller's future then completes with nothing). */
  private static JsonObject answer(RoutingContext ctx, JsonObject body, java.util.function.Supplier<String> csv) {
    if (!wantsCsv(ctx)) return body;
    String name = ctx.request().path().substring(ctx.request().path().lastIndexOf('/') + 1);
    ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"report-" + name + ".csv\"").end(csv.get());
    return null;
  }

  private static final List<String> COUNTS = List.of("conversations_opened", "conversations_resolved", "conversations_reopened",
      "messages_in", "messages_out", "calls_answered", "calls_missed", "voicemails");

  private static String summaryCsv(JsonObject cur, JsonObject before) {
    StringBuilder csv = new StringBuilder("figure,current,previous\r\n");
    for (String k : COUNTS) csv.append(Csv.row(List.of(k, cur.getValue(k), before.getValue(k))));
    for (String d : List.of("first_response", "resolution")) {
      for (String f : List.of("count", "median_seconds", "p90_seconds")) {
        csv.append(Csv.row(List.of(d + "." + f, nul(cur.getJsonObject(d).getValue(f)), nul(before.getJsonObject(d).getValue(f)))));
      }
    }
    csv.append(Csv.row(List.of("first_response.unanswered", cur.getJsonObject("first_response").getValue("unanswered"),
        before.getJsonObject("first_response").getValue("unanswered"))));
    for (String f : List.of("asked", "answered", "response_rate", "score", "mean_rating")) {
      csv.append(Csv.row(List.of("satisfaction." + f, nul(cur.getJsonObject("satisfaction").getValue(f)),
          nul(before.getJsonObject("satisfaction").getValue(f)))));
    }
    return csv.toString();
  }

  private static String agentsCsv(JsonArray agents) {
    StringBuilder csv = new StringBuilder("agent_id,name,email,messages_out,conversations_resolved,first_responses,"
        + "first_response_median_seconds,first_response_p90_seconds,resolution_median_seconds,resolution_p90_seconds,"
        + "reviews_asked,reviews_answered,response_rate,satisfaction_score,mean_rating\r\n");
    Function<Object, Object> n = ReportsApi::nul;
    for (Object o : agents) {
      JsonObject a = (JsonObject) o;
      JsonObject fr = a.getJsonObject("first_response");
      JsonObject rs = a.getJsonObject("resolution");
      JsonObject s = a.getJsonObject("satisfaction");
      csv.append(Csv.row(List.of(a.getLong("agent_id"), n.apply(a.getString("name")), n.apply(a.getString("email")),
          a.getLong("messages_out"), a.getLong("conversations_resolved"), fr.getValue("count"), n.apply(fr.getValue("median_seconds")),
          n.apply(fr.getValue("p90_seconds")), n.apply(rs.getValue("median_seconds")), n.apply(rs.getValue("p90_seconds")),
          s.getValue("asked"), s.getValue("answered"), n.apply(s.getValue("response_rate")), n.apply(s.getValue("score")),
          n.apply(s.getValue("mean_rating")))));
    }
    return csv.toString();
  }

  private static Object nul(Object v) {
    return v == null ? "" : v;
  }

  /** RFC 4180 rows: a field with a comma, quote or line break is quoted, quotes doubled; a leading =+-@ is defused. */
  static final class Csv {
    private Csv() {
    }

    static String row(List<?> fields) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) out.append(',');
        out.append(field(fields.get(i)));
      }
      return out.append("\r\n").toString();
    }

    static String field(Object v) {
      if (v == null) return "";
      String s = String.valueOf(v);
      if (!(v instanceof Number) && !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) s = "'" + s;
      if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) s = "\"" + s.replace("\"", "\"\"") + "\"";
      return s;
    }
  }
}
