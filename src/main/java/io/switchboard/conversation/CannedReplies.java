package io.switchboard.conversation;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.inbox.Access;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canned replies: saved texts an agent inserts into a reply. Three kinds ({@code scope}): the workspace's (everyone
 * sees them, {@code settings.manage} changes them), an inbox's (its members see them, members with
 * {@code settings.manage} change them) and an agent's own ({@code personal}: only that agent sees and changes them).
 * Anything else answers 404, exactly like a reply that does not exist. Changes to shared ones are audited.
 */
public final class CannedReplies {

  public static final Set<String> SCOPES = Set.of("workspace", "inbox", "personal");
  public static final Pattern SHORTCUT = Pattern.compile("^[a-z0-9_-]{1,32}$");
  public static final int MAX_TITLE = 200;
  public static final int MAX_TEXT = 10_000;

  /** {@code {{ name }}}: a placeholder, its name letters, digits, {@code . _ -}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.\\-]+)\\s*}}");
  private static final String PROPERTY_PREFIX = "contact.properties.";

  private CannedReplies() {
  }

  /** A canned reply as a client sends it; on an update, null leaves a field as it is (scope and inbox never change). */
  public record Draft(String scope, Long inboxId, String shortcut, String title, String text) {
  }

  private static final String SELECT = """
      SELECT cr.*, i.name AS inbox_name FROM canned_reply cr LEFT JOIN inbox i ON i.id = cr.inbox_id
      """;

  /** What the user may see: the workspace's, their own, and those of inboxes they are a member of ($1 user, $2 workspace). */
  private static final String VISIBLE = """
      cr.workspace_id = $2 AND ((cr.inbox_id IS NULL AND cr.owner_id IS NULL) OR cr.owner_id = $1
        OR EXISTS (SELECT 1 FROM membership m WHERE m.inbox_id = cr.inbox_id AND m.user_id = $1))""";

  /**
   * The replies the actor may see, by shortcut (an agent's own first, then the inbox's, then the workspace's when
   * shortcuts are alike). {@code q} matches the start of the shortcut or anywhere in the title or text; with an
   * {@code inboxId} only those usable there (the workspace's, their own, that inbox's), 404 when not a member.
   */
  public static Future<JsonArray> list(SqlClient c, Actor a, String q, Long inboxId) {
    Future<Void> check = inboxId == null ? Future.succeededFuture() : Access.requireMember(c, a, inboxId);
    String query = q == null || q.isBlank() ? null : q.trim();
    return check.compose(v -> Db.list(c, SELECT + " WHERE " + VISIBLE + """
             AND ($3::bigint IS NULL OR cr.inbox_id IS NULL OR cr.inbox_id = $3)
             AND ($4::text IS NULL OR starts_with(cr.shortcut, lower($4)) OR cr.title ILIKE $5 OR cr.text ILIKE $5)
            ORDER BY cr.shortcut, (cr.owner_id IS NULL), (cr.inbox_id IS NULL), cr.id""",
            a.userId(), a.workspaceId(), inboxId, query, Db.contains(query)))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return items;
        });
  }

  /** One reply the actor may see; 404 otherwise. */
  public static Future<JsonObject> get(SqlClient c, Actor a, long id) {
    return visible(c, a, id, "").map(CannedReplies::json);
  }

  private static Future<Row> visible(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, SELECT + " WHERE " + VISIBLE + " AND cr.id = $3" + lock, a.userId(), a.workspaceId(), id)
        .map(r -> {
          if (r == null) throw ApiError.notFound("canned reply");
          return r;
        });
  }

  /** 403 unless the actor may change a reply of this kind (their own always; shared ones with settings.manage). */
  private static void requireManage(Actor a, String scope) {
    if (!"personal".equals(scope)) a.require(Permission.SETTINGS_MANAGE);
  }

  /** Saves a new reply of the draft's scope; 404 for an inbox the actor is not a member of, 409 for a used shortcut. */
  public static Future<JsonObject> create(Tx tx, Actor a, Draft d) {
    requireManage(a, d.scope());
    Future<Void> check = "inbox".equals(d.scope()) ? Access.requireMember(tx, a, d.inboxId()) : Future.succeededFuture();
    Long owner = "personal".equals(d.scope()) ? a.userId() : null;
    return check.compose(v -> shortcutFree(Db.one(tx, """
            INSERT INTO canned_reply (workspace_id, inbox_id, owner_id, shortcut, title, text, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
            a.workspaceId(), d.inboxId(), owner, d.shortcut(), d.title() == null ? "" : d.title(), d.text(), a.userId()),
            d.scope()))
        .compose(r -> visible(tx, a, r.getLong("id"), ""))
        .compose(r -> audit(tx, a, r, "canned_reply.created", json(r)).map(json(r)));
  }

  /** Changes shortcut, title or text; 404 when the actor may not see it, 403 when they may not change it, 409 as above. */
  public static Future<JsonObject> update(Tx tx, Actor a, long id, Draft d) {
    return visible(tx, a, id, " FOR UPDATE OF cr").compose(before -> {
      String scope = scope(before);
      requireManage(a, scope);
      return shortcutFree(Db.one(tx, """
              UPDATE canned_reply SET shortcut = COALESCE($2, shortcut), title = COALESCE($3, title),
                text = COALESCE($4, text), updated_at = now()
              WHERE id = $1 RETURNING id""", id, d.shortcut(), d.title(), d.text()), scope)
          .compose(r -> visible(tx, a, id, ""))
          .compose(after -> audit(tx, a, after, "canned_reply.updated",
              new JsonObject().put("before", json(before)).put("after", json(after))).map(json(after)));
    });
  }

  /** Deletes a reply; 404 when the actor may not see it, 403 when they may not change it. */
  public static Future<Void> delete(Tx tx, Actor a, long id) {
    return visible(tx, a, id, " FOR UPDATE OF cr").compose(before -> {
      requireManage(a, scope(before));
      return Db.query(tx, "DELETE FROM canned_reply WHERE id = $1", id)
          .compose(v -> audit(tx, a, before, "canned_reply.deleted", json(before)));
    });
  }

  /** Shared replies' changes go to the audit log like other settings; an agent's own do not. */
  private static Future<Void> audit(Tx tx, Actor a, Row r, String action, JsonObject data) {
    return "personal".equals(scope(r)) ? Future.succeededFuture()
        : Audit.record(tx, a, action, "canned_reply", r.getLong("id"), data);
  }

  private static <T> Future<T> shortcutFree(Future<T> write, String scope) {
    return write.recover(t -> Future.failedFuture(Failures.isUniqueViolation(t)
        ? ApiError.conflict("shortcut", "a" + ("inbox".equals(scope) ? "n " : " ") + scope
            + " canned reply with this shortcut exists") : t));
  }

  // ---- placeholders ----

  /** A reply's text filled in for a conversation, and the placeholders it does not know (left in the text as written). */
  public record Rendered(String text, Set<String> unknown) {
  }

  /**
   * The reply's text with its placeholders filled in for a conversation the actor may see (404 for a reply or a
   * conversation they may not see). Known placeholders without a value become empty.
   */
  public static Future<JsonObject> render(SqlClient c, Actor a, long id, long conversationId) {
    return visible(c, a, id, "").compose(reply -> Conversations.visible(c, a, conversationId)
        .compose(conv -> Db.one(c, """
            SELECT ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone, i.name AS inbox_name
            FROM conversation c JOIN contact ct ON ct.id = c.contact_id JOIN inbox i ON i.id = c.inbox_id
            WHERE c.id = $1""", conversationId)
            .compose(facts -> Db.list(c, """
                SELECT pd.key, v.value #>> '{}' AS value FROM property pd
                LEFT JOIN contact_property v ON v.property_id = pd.id AND v.contact_id = $2
                WHERE pd.workspace_id = $1 AND pd.scope = 'contact'""", a.workspaceId(), conv.getLong("contact_id"))
                .map(props -> {
                  Map<String, String> values = new HashMap<>();
                  String name = facts.getString("contact_name");
                  values.put("contact.name", name);
                  values.put("contact.first_name", firstName(name));
                  values.put("contact.email", facts.getString("contact_email"));
                  values.put("contact.phone", facts.getString("contact_phone"));
                  values.put("agent.name", a.name());
                  values.put("inbox.name", facts.getString("inbox_name"));
                  for (Row p : props) values.put(PROPERTY_PREFIX + p.getString("key"), p.getString("value"));
                  Rendered out = fill(reply.getString("text"), values);
                  return new JsonObject().put("text", out.text()).put("unknown", new JsonArray(out.unknown().stream().toList()));
                }))));
  }

  /** Fills the placeholders named in {@code values} (a null value is empty); others stay as written and are reported. */
  static Rendered fill(String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    Set<String> unknown = new LinkedHashSet<>();
    while (m.find()) {
      String key = m.group(1);
      String value;
      if (values.containsKey(key)) {
        value = values.get(key) == null ? "" : values.get(key);
      } else {
        unknown.add(key);
        value = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return new Rendered(out.toString(), unknown);
  }

  private static String firstName(String name) {
    if (name == null || name.isBlank()) return null;
    return name.strip().split("\\s+", 2)[0];
  }

  private static String scope(Row r) {
    if (r.getLong("owner_id") != null) return "personal";
    return r.getLong("inbox_id") != null ? "inbox" : "workspace";
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("scope", scope(r))
        .put("shortcut", r.getString("shortcut"))
        .put("title", r.getString("title"))
        .put("text", r.getString("text"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("inbox_name", r.getString("inbox_name"))
        .put("owner_id", r.getLong("owner_id"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }
}
