package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.contact.Contacts;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.List;
import java.util.Set;

/**
 * Opportunities: sales-pipeline entries on a contact. {@code GET/POST /contacts/{id}/opportunities}
 * ({@code ?active=true}; the answer counts them, and sums active value per currency), {@code PATCH/DELETE
 * /opportunities/{id}}. They are seen with their contact and written by whoever may edit it; each change is live in
 * the inboxes where the contact has conversations.
 */
public final class OpportunityApi {

  static final Set<String> STATUSES = Set.of("active", "won", "lost");
  private static final BigDecimal MAX_VALUE = new BigDecimal("1000000000000");

  private final Node node;

  private OpportunityApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    OpportunityApi o = new OpportunityApi(node);
    api.get("/contacts/:id/opportunities").handler(Rest.handle(o::list));
    api.post("/contacts/:id/opportunities").handler(Rest.handle(o::create));
    api.patch("/opportunities/:id").handler(Rest.handle(o::update));
    api.delete("/opportunities/:id").handler(Rest.handle(o::delete));
  }

  private static final String SELECT = """
      SELECT o.*, u.name AS created_by_name FROM opportunity o LEFT JOIN app_user u ON u.id = o.created_by
      """;

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long contactId = Rest.pathId(ctx, "id", "contact");
    Page page = Page.of(ctx);
    String active = ctx.queryParams().get("active");
    if (active != null && !active.equals("true") && !active.equals("false")) {
      throw ApiError.validation("active", "active must be true or false");
    }
    boolean activeOnly = "true".equals(active);
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return Contacts.visible(node.db().pool(), a, contactId).compose(c -> node.db().list(SELECT + """
            WHERE o.contact_id = $1 AND (NOT $2 OR o.status = 'active') AND o.id < $3 ORDER BY o.id DESC LIMIT $4""",
            contactId, activeOnly, after, page.limit() + 1)
        .compose(rows -> node.db().list("""
            SELECT count(*) FILTER (WHERE NOT $2 OR status = 'active') AS count,
                   count(*) FILTER (WHERE status = 'active') AS active_count,
                   currency, GROUPING(currency) = 1 AS total, sum(value) FILTER (WHERE status = 'active') AS active_value
            FROM opportunity WHERE contact_id = $1 GROUP BY ROLLUP (currency)""", contactId, activeOnly)
            .map(totals -> {
              JsonObject result = page.result(rows, OpportunityApi::json, r -> Page.cursor(r.getLong("id")));
              JsonObject values = new JsonObject();
              long count = 0;
              long activeCount = 0;
              for (Row t : totals) {
                if (t.getBoolean("total")) {
                  count = t.getLong("count");
                  activeCount = t.getLong("active_count");
                } else if (t.getString("currency") != null && t.getValue("active_value") != null) {
                  values.put(t.getString("currency"), t.getNumeric("active_value").bigDecimalValue());
                }
              }
              return result.put("count", count).put("active_count", activeCount).put("active_value", values);
            })));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long contactId = Rest.pathId(ctx, "id", "contact");
    Input in = Input.of(ctx);
    String title = in.text("title", 200).trim();
    BigDecimal value = value(in);
    String currency = currency(in);
    if (value != null && currency == null) throw ApiError.validation("currency", "currency is required with a value");
    String stage = trimmed(in.optText("stage", 100));
    String status = in.optOneOf("status", STATUSES);
    LocalDate close = date(in, "close_date");
    return node.db().tx(conn -> Contacts.editable(conn, a, contactId)
        .compose(c -> Db.one(conn, """
            INSERT INTO opportunity (workspace_id, contact_id, title, value, currency, stage, status, close_date, created_by)
            VALUES ($1, $2, $3, $4::text::numeric, $5, $6, COALESCE($7, 'active'), $8, $9) RETURNING id""",
            a.workspaceId(), contactId, title, value == null ? null : value.toPlainString(), currency, stage, status, close,
            a.userId()))
        .compose(r -> announce(conn, a, r.getLong(0), EventType.OPPORTUNITY_CREATED)))
        .map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "opportunity");
    Input in = Input.of(ctx);
    String title = in.has("title") ? in.text("title", 200).trim() : null;
    BigDecimal value = value(in);
    String currency = currency(in);
    String stage = trimmed(in.optText("stage", 100));
    String status = in.optOneOf("status", STATUSES);
    if (in.isNull("status")) throw ApiError.validation("status", "status must be one of active, lost, won");
    LocalDate close = date(in, "close_date");
    return node.db().tx(conn -> editable(conn, a, id).compose(before -> {
      BigDecimal v = in.has("value") ? value : before.getValue("value") == null ? null : before.getNumeric("value").bigDecimalValue();
      String cur = in.has("currency") ? currency : before.getString("currency");
      if (v != null && cur == null) return Future.failedFuture(ApiError.validation("currency", "currency is required with a value"));
      return Db.query(conn, """
              UPDATE opportunity SET title = COALESCE($2, title), value = $3::text::numeric, currency = $4,
                stage = CASE WHEN $5 THEN $6 ELSE stage END, status = COALESCE($7, status),
                close_date = CASE WHEN $8 THEN $9 ELSE close_date END, updated_at = now()
              WHERE id = $1""", id, title, v == null ? null : v.toPlainString(), cur, in.has("stage"), stage, status,
              in.has("close_date"), close)
          .compose(x -> announce(conn, a, id, EventType.OPPORTUNITY_UPDATED));
    }));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "opportunity");
    return node.db().tx(conn -> editable(conn, a, id).compose(before ->
        announce(conn, a, id, EventType.OPPORTUNITY_DELETED).compose(v -> Db.query(conn, "DELETE FROM opportunity WHERE id = $1", id))
            .mapEmpty()));
  }

  /** The opportunity row if its contact is editable by the actor; 404 when the contact is not visible. */
  private static Future<Row> editable(Tx conn, Actor a, long id) {
    return Db.one(conn, "SELECT * FROM opportunity WHERE id = $1 AND workspace_id = $2", id, a.workspaceId()).compose(o -> {
      if (o == null) return Future.failedFuture(ApiError.notFound("opportunity"));
      return Contacts.editable(conn, a, o.getLong("contact_id"))
          .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 ? ApiError.notFound("opportunity") : t))
          .compose(c -> Db.one(conn, "SELECT * FROM opportunity WHERE id = $1 FOR UPDATE", id));
    });
  }

  /** Appends the event to every inbox where the contact has conversations; returns the opportunity. */
  private static Future<JsonObject> announce(Tx conn, Actor a, long id, String type) {
    return Db.one(conn, SELECT + "WHERE o.id = $1", id).map(OpportunityApi::json).compose(o ->
        Contacts.inboxes(conn, List.of(o.getLong("contact_id"))).compose(inboxes -> {
          Future<Void> f = Future.succeededFuture();
          for (long inbox : inboxes) {
            f = f.compose(v -> EventLog.append(conn, a.workspaceId(), inbox, null, type, new JsonObject().put("opportunity", o)));
          }
          return f.map(o);
        }));
  }

  private static BigDecimal value(Input in) {
    Object v = in.json().getValue("value");
    if (v == null) return null;
    BigDecimal d;
    try {
      d = v instanceof Number n ? new BigDecimal(n.toString()) : v instanceof String s ? new BigDecimal(s.trim()) : null;
    } catch (NumberFormatException e) {
      d = null;
    }
    if (d == null) throw ApiError.validation("value", "value must be a number");
    if (d.signum() < 0 || d.compareTo(MAX_VALUE) > 0) throw ApiError.validation("value", "value must be between 0 and 1000000000000");
    if (d.stripTrailingZeros().scale() > 2) throw ApiError.validation("value", "value has at most 2 decimals");
    return d.setScale(2, java.math.RoundingMode.UNNECESSARY);
  }

  private static String currency(Input in) {
    String c = in.optText("currency", 10);
    if (c == null) return null;
    String code = c.trim().toUpperCase();
    boolean known = code.matches("[A-Z]{3}") && Currency.getAvailableCurrencies().stream().anyMatch(x -> x.getCurrencyCode().equals(code));
    if (!known) throw ApiError.validation("currency", "currency must be an ISO 4217 code such as EUR or USD");
    return code;
  }

  static LocalDate date(Input in, String field) {
    String s = in.optText(field, 20);
    if (s == null || s.isBlank()) return null;
    try {
      return LocalDate.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw ApiError.validation(field, field + " must be a date like 2026-01-31");
    }
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("contact_id", r.getLong("contact_id"))
        .put("title", r.getString("title"))
        .put("value", r.getValue("value") == null ? null : r.getNumeric("value").bigDecimalValue())
        .put("currency", r.getString("currency"))
        .put("stage", r.getString("stage"))
        .put("status", r.getString("status"))
        .put("close_date", r.getLocalDate("close_date") == null ? null : r.getLocalDate("close_date").toString())
        .put("created_by", new JsonObject().put("id", r.getLong("created_by")).put("name", r.getString("created_by_name")))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }
}
