package io.switchboard.automation;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.contact.PropertyValues;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.Map;

/**
 * Chatbots as settings define them: a name, whether they run, and their rules in the normal form of
 * {@link BotRules}. Every change is audited in its transaction.
 */
public final class Chatbots {

  private Chatbots() {
  }

  /** What settings give: name, enabled, rules; null leaves one as it is. */
  public record Definition(String name, Boolean enabled, BotRules.Checked rules) {
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("enabled", r.getBoolean("enabled"))
        .put("rules", r.getJsonArray("rules"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }

  /** The workspace's chatbots by name. */
  public static Future<JsonArray> list(SqlClient c, long workspaceId) {
    return Db.list(c, "SELECT * FROM chatbot WHERE workspace_id = $1 ORDER BY lower(name), id", workspaceId).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(json(r)));
      return items;
    });
  }

  /** A chatbot of the actor's workspace; 404 otherwise. */
  public static Future<JsonObject> get(SqlClient c, Actor a, long id) {
    return find(c, a, id, "").map(Chatbots::json);
  }

  /** The chatbot's row, if it is in the actor's workspace; 404 otherwise. */
  static Future<Row> find(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, "SELECT * FROM chatbot WHERE id = $1 AND workspace_id = $2" + lock, id, a.workspaceId()).map(r -> {
      if (r == null) throw ApiError.notFound("chatbot");
      return r;
    });
  }

  /** Creates a chatbot (enabled unless told otherwise); returns it. */
  public static Future<JsonObject> create(Tx conn, Actor a, Definition d) {
    return references(conn, a, d.rules())
        .compose(v -> Db.one(conn, "INSERT INTO chatbot (workspace_id, name, rules, enabled) VALUES ($1, $2, $3, $4) RETURNING *",
            a.workspaceId(), d.name(), d.rules().rules(), d.enabled() == null || d.enabled()))
        .compose(r -> Audit.record(conn, a, "chatbot.created", "chatbot", r.getLong("id"), json(r)).map(json(r)));
  }

  /** Changes the fields given, audited with before and after; returns the chatbot. */
  public static Future<JsonObject> update(Tx conn, Actor a, long id, Definition d) {
    BotRules.Checked rules = d.rules();
    return find(conn, a, id, " FOR UPDATE").compose(before ->
        (rules == null ? Future.<Void>succeededFuture() : references(conn, a, rules))
            .compose(v -> Db.one(conn, """
                UPDATE chatbot SET name = COALESCE($2, name), enabled = COALESCE($3, enabled), rules = COALESCE($4, rules),
                  updated_at = now() WHERE id = $1 RETURNING *""", id, d.name(), d.enabled(), rules == null ? null : rules.rules()))
            .compose(r -> Audit.record(conn, a, "chatbot.updated", "chatbot", id,
                new JsonObject().put("before", json(before)).put("after", json(r))).map(json(r))));
  }

  /**
   * Deletes a chatbot: it leaves its conversations, and every inbox that had it as default forgets it (inbox settings
   * are the inbox package's, but this change belongs to the deletion's transaction).
   */
  public static Future<Void> delete(Tx conn, Actor a, long id) {
    return find(conn, a, id, " FOR UPDATE")
        .compose(r -> Db.query(conn, """
                UPDATE inbox SET settings = settings - 'default_chatbot_id', updated_at = now()
                WHERE workspace_id = $1 AND settings->>'default_chatbot_id' = $2::text""", a.workspaceId(), String.valueOf(id))
            .compose(v -> Db.query(conn, "DELETE FROM chatbot WHERE id = $1", id))
            .compose(v -> Audit.record(conn, a, "chatbot.deleted", "chatbot", id, new JsonObject().put("name", r.getString("name")))));
  }

  /** Properties asked for must be contact properties; users assigned to must be active users of the workspace. */
  private static Future<Void> references(Tx conn, Actor a, BotRules.Checked rules) {
    Future<Void> f = Future.succeededFuture();
    for (Map.Entry<String, String> p : rules.properties().entrySet()) {
      f = f.compose(v -> PropertyValues.contactType(conn, a.workspaceId(), p.getValue()).compose(type -> type != null
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(ApiError.validation(p.getKey(), p.getKey() + ": there is no contact property " + p.getValue()
              + " (define it under /properties)"))));
    }
    for (Map.Entry<String, Long> u : rules.users().entrySet()) {
      // a user look-up of the auth package's table, asked here as part of checking the rules
      f = f.compose(v -> Db.one(conn, "SELECT 1 FROM app_user WHERE id = $1 AND workspace_id = $2 AND active", u.getValue(),
          a.workspaceId()).compose(r -> r != null ? Future.<Void>succeededFuture()
          : Future.failedFuture(ApiError.validation(u.getKey(), u.getKey() + ": no active user has this id"))));
    }
    return f;
  }
}
