package io.switchboard.crm;

import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.contact.Contacts;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Opportunities: sales-pipeline entries on a contact. They are seen with their contact and written by whoever may
 * edit it; each change is told ({@code opportunity.*}) in every inbox where the contact has conversations.
 */
public final class Opportunities {

  public static final Set<String> STATUSES = Set.of("active", "won", "lost");

  private Opportunities() {
  }

  private static final String SELECT = """
      SELECT o.*, u.name AS created_by_name FROM opportunity o LEFT JOIN app_user u ON u.id = o.created_by
      """;

  /** A page of a contact's opportunities, newest first: ids below {@code afterId}, only active ones if asked. */
  public record Query(long contactId, boolean activeOnly, long afterId, int limit) {
  }

  /**
   * A page of opportunities and the contact's totals: {@code count} (as filtered), {@code active_count}, and
   * {@code active_value}, the active ones' value summed per currency.
   */
  public record Listed(List<JsonObject> items, JsonObject totals) {
  }

  /** The opportunities of the query, if the actor can see the contact; 404 otherwise. */
  public static Future<Listed> list(SqlClient c, Actor a, Query q) {
    return Contacts.visible(c, a, q.contactId()).compose(contact -> Db.list(c, SELECT + """
            WHERE o.contact_id = $1 AND (NOT $2 OR o.status = 'active') AND o.id < $3 ORDER BY o.id DESC LIMIT $4""",
            q.contactId(), q.activeOnly(), q.afterId(), q.limit())
        .compose(rows -> Db.list(c, """
            SELECT count(*) FILTER (WHERE NOT $2 OR status = 'active') AS count,
                   count(*) FILTER (WHERE status = 'active') AS active_count,
                   currency, GROUPING(currency) = 1 AS total, sum(value) FILTER (WHERE status = 'active') AS active_value
            FROM opportunity WHERE contact_id = $1 GROUP BY ROLLUP (currency)""", q.contactId(), q.activeOnly())
            .map(totals -> new Listed(rows.stream().map(Opportunities::json).toList(), totals(totals)))));
  }

  private static JsonObject totals(List<Row> rows) {
    JsonObject values = new JsonObject();
    long count = 0;
    long activeCount = 0;
    for (Row t : rows) {
      if (t.getBoolean("total")) {
        count = t.getLong("count");
        activeCount = t.getLong("active_count");
      } else if (t.getString("currency") != null && t.getValue("active_value") != null) {
        values.put(t.getString("currency"), t.getNumeric("active_value").bigDecimalValue());
      }
    }
    return new JsonObject().put("count", count).put("active_count", activeCount).put("active_value", values);
  }

  /** A new opportunity; a null status is {@code active}. */
  public record Draft(String title, BigDecimal value, String currency, String stage, String status, LocalDate closeDate) {
  }

  /**
   * Adds an opportunity to a contact the actor may edit (404 when they cannot see it, 403 when they may not edit
   * contacts); returns it.
   */
  public static Future<JsonObject> create(Tx tx, Actor a, long contactId, Draft d) {
    return Contacts.editable(tx, a, contactId)
        .compose(c -> Db.one(tx, """
            INSERT INTO opportunity (workspace_id, contact_id, title, value, currency, stage, status, close_date, created_by)
            VALUES ($1, $2, $3, $4::text::numeric, $5, $6, COALESCE($7, 'active'), $8, $9) RETURNING id""",
            a.workspaceId(), contactId, d.title(), plain(d.value()), d.currency(), d.stage(), d.status(), d.closeDate(),
            a.userId()))
        .compose(r -> announce(tx, a, r.getLong(0), EventType.OPPORTUNITY_CREATED));
  }

  /**
   * What a PATCH changes: a null title or status stays; value, currency, stage and close date change (null clears)
   * when their {@code set…} flag says they were given.
   */
  public record Change(String title, boolean setValue, BigDecimal value, boolean setCurrency, String currency,
                       boolean setStage, String stage, String status, boolean setCloseDate, LocalDate closeDate) {
  }

  /** Changes an opportunity whose contact the actor may edit (404 when they cannot see it); returns it. */
  public static Future<JsonObject> update(Tx tx, Actor a, long id, Change ch) {
    return editable(tx, a, id).compose(before -> {
      BigDecimal v = ch.setValue() ? ch.value() : before.getValue("value") == null ? null : before.getNumeric("value").bigDecimalValue();
      String cur = ch.setCurrency() ? ch.currency() : before.getString("currency");
      if (v != null && cur == null) return Future.failedFuture(ApiError.validation("currency", "currency is required with a value"));
      return Db.query(tx, """
              UPDATE opportunity SET title = COALESCE($2, title), value = $3::text::numeric, currency = $4,
                stage = CASE WHEN $5 THEN $6 ELSE stage END, status = COALESCE($7, status),
                close_date = CASE WHEN $8 THEN $9 ELSE close_date END, updated_at = now()
              WHERE id = $1""", id, ch.title(), plain(v), cur, ch.setStage(), ch.stage(), ch.status(), ch.setCloseDate(),
              ch.closeDate())
          .compose(x -> announce(tx, a, id, EventType.OPPORTUNITY_UPDATED));
    });
  }

  /** Deletes an opportunity whose contact the actor may edit (404 when they cannot see it), telling it first. */
  public static Future<Void> delete(Tx tx, Actor a, long id) {
    return editable(tx, a, id).compose(before ->
        announce(tx, a, id, EventType.OPPORTUNITY_DELETED).compose(v -> Db.query(tx, "DELETE FROM opportunity WHERE id = $1", id))
            .mapEmpty());
  }

  /** The opportunity row, locked, if its contact is editable by the actor; 404 when the contact is not visible. */
  private static Future<Row> editable(Tx tx, Actor a, long id) {
    return Db.one(tx, "SELECT * FROM opportunity WHERE id = $1 AND workspace_id = $2", id, a.workspaceId()).compose(o -> {
      if (o == null) return Future.failedFuture(ApiError.notFound("opportunity"));
      return Contacts.editable(tx, a, o.getLong("contact_id"))
          .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 ? ApiError.notFound("opportunity") : t))
          .compose(c -> Db.one(tx, "SELECT * FROM opportunity WHERE id = $1 FOR UPDATE", id));
    });
  }

  /** Appends the event to every inbox where the contact has conversations; returns the opportunity. */
  private static Future<JsonObject> announce(Tx tx, Actor a, long id, String type) {
    return Db.one(tx, SELECT + "WHERE o.id = $1", id).map(Opportunities::json).compose(o ->
        Contacts.inboxes(tx, List.of(o.getLong("contact_id"))).compose(inboxes -> {
          Future<Void> f = Future.succeededFuture();
          for (long inbox : inboxes) {
            f = f.compose(v -> EventLog.append(tx, a.workspaceId(), inbox, null, type, new JsonObject().put("opportunity", o)));
          }
          return f.map(o);
        }));
  }

  /** A value as PostgreSQL reads it exactly (numeric from text), or null. */
  private static String plain(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static JsonObject json(Row r) {
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
