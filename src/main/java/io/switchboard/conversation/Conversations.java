package io.switchboard.conversation;

import io.switchboard.auth.Actor;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Conversations as the API and the live stream show them, and who may see one. */
public final class Conversations {

  public static final Set<String> STATUSES = Set.of("open", "pending", "snoozed", "resolved");
  public static final Set<String> PRIORITIES = Set.of("none", "low", "medium", "high", "urgent");

  private Conversations() {
  }

  /** A conversation with what a list row or a header needs: contact, endpoint, tags, last message. Alias c. */
  public static final String VIEW = """
      SELECT c.id, c.workspace_id, c.inbox_id, c.endpoint_id, c.contact_id, c.channel, c.contact_address, c.subject,
        c.status, c.priority, c.assignee_id, c.snoozed_until, c.last_activity_at, c.last_incoming_at, c.created_at,
        c.updated_at, ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone,
        ct.company AS contact_company, ct.blocked AS contact_blocked, e.address AS endpoint_address,
        e.name AS endpoint_name, e.enabled AS endpoint_enabled, e.disabled_reason AS endpoint_disabled_reason,
        u.name AS assignee_name,
        ARRAY(SELECT t.name FROM conversation_tag x JOIN tag t ON t.id = x.tag_id
              WHERE x.conversation_id = c.id ORDER BY t.name) AS tags,
        (SELECT json_build_object('id', a.id, 'kind', a.kind, 'direction', a.direction, 'status', a.status,
                  'text', left(a.text, 200), 'created_at', a.created_at,
                  'sender', json_build_object('type', a.sender_type, 'id', a.sender_id, 'name', a.sender_name))
         FROM activity a WHERE a.conversation_id = c.id AND a.kind <> 'system' ORDER BY a.id DESC LIMIT 1) AS last_message
      FROM conversation c
      JOIN contact ct ON ct.id = c.contact_id
      JOIN endpoint e ON e.id = c.endpoint_id
      LEFT JOIN app_user u ON u.id = c.assignee_id
      """;

  public static Future<JsonObject> view(SqlClient c, long id) {
    return Db.one(c, VIEW + " WHERE c.id = $1", id).map(r -> r == null ? null : json(r));
  }

  /** The conversation row (c.*) if the actor is a member of its inbox; 404 otherwise. */
  public static Future<Row> visible(SqlClient c, Actor a, long id) {
    return find(c, a, id, "");
  }

  /** As {@link #visible}, locking the row for an update in the caller's transaction. */
  public static Future<Row> visibleForUpdate(SqlClient c, Actor a, long id) {
    return find(c, a, id, " FOR UPDATE OF c");
  }

  private static Future<Row> find(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, """
        SELECT c.* FROM conversation c JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.id = $1 AND c.workspace_id = $3""" + lock, id, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("conversation");
          return r;
        });
  }

  // ---- as a user sees them ----

  /** {@link #VIEW} with how many incoming messages the user has not read ({@code unread}); join their read row as r. */
  private static final String VIEW_UNREAD = VIEW.replace("FROM conversation c", """
      , (SELECT count(*) FROM activity a WHERE a.conversation_id = c.id AND a.direction = 'in'
           AND a.created_at > COALESCE(r.last_read_at, '-infinity'::timestamptz)) AS unread
      FROM conversation c""");

  /**
   * A page of the lists agents work from, newest activity first, after the keyset ({@code afterAt}, {@code afterId});
   * {@code limit} rows at most. Text is searched in the contact's name, e-mail and phone (any way it is typed), the
   * subject, and the messages. A null filter does not filter.
   */
  public record Query(Long inbox, Long contact, List<String> statuses, Long assignee, boolean unassigned, String tag,
                      String text, String channel, boolean unreadOnly, OffsetDateTime afterAt, long afterId, int limit) {
  }

  /** The conversations of the query that the actor can see; 404 when they ask for an inbox they are not a member of. */
  public static Future<List<JsonObject>> list(SqlClient c, Actor a, Query q) {
    Future<Void> inboxCheck = q.inbox() == null ? Future.succeededFuture() : Access.requireMember(c, a, q.inbox());
    String text = q.text();
    return inboxCheck.compose(v -> Db.list(c, VIEW_UNREAD + """
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $1
        LEFT JOIN conversation_read r ON r.conversation_id = c.id AND r.user_id = $1
        WHERE c.workspace_id = $2
          AND ($3::bigint IS NULL OR c.inbox_id = $3)
          AND ($4::text[] IS NULL OR c.status = ANY($4))
          AND ($5::bigint IS NULL OR c.assignee_id = $5)
          AND (NOT $6 OR c.assignee_id IS NULL)
          AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM conversation_tag x JOIN tag t ON t.id = x.tag_id
                                          WHERE x.conversation_id = c.id AND t.name = $7))
          AND ($8::text IS NULL OR ct.name ILIKE $8 OR ct.email ILIKE $8 OR ct.phone ILIKE $8 OR c.subject ILIKE $8
               OR ($9::text IS NOT NULL AND regexp_replace(ct.phone, '\\D', '', 'g') LIKE $9)
               OR ($10::text IS NOT NULL AND EXISTS (SELECT 1 FROM activity s WHERE s.conversation_id = c.id
                                                    AND s.search @@ to_tsquery('simple', $10))))
          AND ($11::bigint IS NULL OR c.contact_id = $11)
          AND ($12::text IS NULL OR c.channel = $12)
          AND (NOT $13 OR c.last_incoming_at > COALESCE(r.last_read_at, '-infinity'::timestamptz))
          AND (c.last_activity_at, c.id) < ($14, $15)
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $16""",
        a.userId(), a.workspaceId(), q.inbox(), q.statuses() == null ? null : q.statuses().toArray(String[]::new),
        q.assignee(), q.unassigned(), q.tag(), Db.contains(text), Search.digits(text), Search.tsquery(text), q.contact(),
        q.channel(), q.unreadOnly(), q.afterAt(), q.afterId(), q.limit()))
        .map(rows -> rows.stream().map(Conversations::json).toList());
  }

  /** The conversation with the actor's unread count; 404 when they may not see it. */
  public static Future<JsonObject> get(SqlClient c, Actor a, long id) {
    return visible(c, a, id).compose(r -> Db.one(c,
            VIEW_UNREAD + " LEFT JOIN conversation_read r ON r.conversation_id = c.id AND r.user_id = $2 WHERE c.id = $1",
            id, a.userId()))
        .map(Conversations::json);
  }

  // ---- changes ----

  /** The conversation an agent writing first gets, and whether it is new. */
  public record Opened(JsonObject conversation, boolean created) {
  }

  /**
   * An agent writing first to a contact (a row the actor may see) on an endpoint: the contact's existing conversation
   * on a chat-like channel, else a new one, assigned to the agent and told as {@code conversation.created}.
   */
  public static Future<Opened> open(Tx tx, Actor a, Row contact, Endpoint ep, String subject) {
    long contactId = contact.getLong("id");
    return Recipients.reach(tx, contact, ep).compose(reach -> {
      String address = reach.address();
      if (address == null) return Future.failedFuture(ApiError.validation("contact_id", reach.reason()));
      return Timeline.existing(tx, ep, contactId).compose(found -> {
        if (found != null) return view(tx, found).map(j -> new Opened(j, false));
        if (!ep.enabled()) {
          return Future.failedFuture(ApiError.conflict("endpoint_id", "sending is disabled on " + ep.address()
              + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason())));
        }
        return Timeline.startOrJoin(tx, new Timeline.Start(a.workspaceId(), ep, contactId, address, subject, a.userId(),
                "open", false), true)
            .compose(started -> view(tx, started.id()).map(j -> new Opened(j, started.created())));
      });
    });
  }

  /**
   * What an agent changes on a conversation; a null field stays as it is, except the assignee, which changes (to
   * null: unassigned) when {@code assigning}. A snooze time alone snoozes.
   */
  public record Change(String status, String priority, OffsetDateTime snoozedUntil, boolean assigning, Long assignee,
                       String subject) {
  }

  /**
   * Changes a conversation the actor can see (404 otherwise); each change is a system activity in its history and
   * one {@code conversation.updated}. The assignee must be an active member of the conversation's inbox. Returns the
   * conversation as it is now.
   */
  public static Future<JsonObject> update(Tx tx, Actor a, long id, Change ch) {
    return visibleForUpdate(tx, a, id).compose(before -> {
      long inbox = before.getLong("inbox_id");
      Future<String> assigneeName = !ch.assigning() || ch.assignee() == null ? Future.succeededFuture(null)
          // users and memberships are the inbox package's; this one look-up only serves assigning
          : Db.one(tx, """
              SELECT u.name FROM app_user u JOIN membership m ON m.user_id = u.id AND m.inbox_id = $2
              WHERE u.id = $1 AND u.active""", ch.assignee(), inbox).compose(u -> u == null
              ? Future.failedFuture(ApiError.validation("assignee_id", "the assignee must be an active member of the conversation's inbox"))
              : Future.succeededFuture(u.getString("name")));
      String newStatus = ch.status() != null ? ch.status() : ch.snoozedUntil() != null ? "snoozed" : null;
      return assigneeName.compose(name -> Db.one(tx, """
              UPDATE conversation SET status = COALESCE($2, status), priority = COALESCE($3, priority),
                snoozed_until = CASE WHEN COALESCE($2, status) = 'snoozed' THEN COALESCE($4, snoozed_until) ELSE NULL END,
                assignee_id = CASE WHEN $5 THEN $6 ELSE assignee_id END, subject = COALESCE($7, subject), updated_at = now()
              WHERE id = $1 RETURNING *""", id, newStatus, ch.priority(), ch.snoozedUntil(), ch.assigning(), ch.assignee(),
              ch.subject())
          .compose(after -> recordChanges(tx, a, before, after, name)))
          .compose(v -> view(tx, id));
    });
  }

  /** Each change is a system activity in the history and one conversation.updated event. */
  private static Future<Void> recordChanges(Tx tx, Actor a, Row before, Row after, String assigneeName) {
    long ws = a.workspaceId();
    long inbox = after.getLong("inbox_id");
    long id = after.getLong("id");
    List<String> changes = new ArrayList<>();
    List<Activities.Draft> notes = new ArrayList<>();
    if (!before.getString("status").equals(after.getString("status"))) {
      changes.add("status");
      String s = after.getString("status");
      String text = switch (s) {
        case "resolved" -> a.name() + " resolved the conversation";
        case "snoozed" -> a.name() + " snoozed the conversation until " + Times.iso(after, "snoozed_until");
        case "pending" -> a.name() + " marked the conversation pending";
        default -> a.name() + " reopened the conversation";
      };
      notes.add(Activities.Draft.system("user", a.userId(), a.name(), text,
          new JsonObject().put("change", "status").put("from", before.getString("status")).put("to", s)));
    }
    if (!Objects.equals(before.getLong("assignee_id"), after.getLong("assignee_id"))) {
      changes.add("assignee_id");
      Long to = after.getLong("assignee_id");
      String text = to == null ? a.name() + " unassigned the conversation"
          : to == a.userId() ? a.name() + " took the conversation" : a.name() + " assigned the conversation to " + assigneeName;
      notes.add(Activities.Draft.system("user", a.userId(), a.name(), text,
          new JsonObject().put("change", "assignee").put("from", before.getLong("assignee_id")).put("to", to)));
    }
    if (!before.getString("priority").equals(after.getString("priority"))) {
      changes.add("priority");
      notes.add(Activities.Draft.system("user", a.userId(), a.name(), a.name() + " set the priority to " + after.getString("priority"),
          new JsonObject().put("change", "priority").put("from", before.getString("priority")).put("to", after.getString("priority"))));
    }
    if (!Objects.equals(before.getString("subject"), after.getString("subject"))) changes.add("subject");
    if (changes.isEmpty()) return Future.succeededFuture();
    return Timeline.changed(tx, ws, inbox, id, notes, changes, null).mapEmpty();
  }

  public static JsonObject json(Row r) {
    JsonObject contact = new JsonObject().put("id", r.getLong("contact_id")).put("name", r.getString("contact_name"))
        .put("email", r.getString("contact_email")).put("phone", r.getString("contact_phone"))
        .put("company", r.getString("contact_company")).put("blocked", r.getBoolean("contact_blocked"));
    JsonObject endpoint = new JsonObject().put("id", r.getLong("endpoint_id")).put("address", r.getString("endpoint_address"))
        .put("name", r.getString("endpoint_name")).put("enabled", r.getBoolean("endpoint_enabled"))
        .put("disabled_reason", r.getString("endpoint_disabled_reason"));
    JsonObject o = json(r, contact, endpoint, r.getValue("last_message") == null ? null : r.getJsonObject("last_message"));
    if (r.getColumnIndex("unread") >= 0) o.put("unread", r.getLong("unread"));
    return o;
  }

  /**
   * A conversation from its own columns (plus {@code assignee_name} and {@code tags}) and the contact, endpoint and
   * last message as already known, for writers that have them at hand.
   */
  public static JsonObject json(Row r, JsonObject contact, JsonObject endpoint, JsonObject lastMessage) {
    return json(r, "", contact, endpoint, lastMessage);
  }

  /** As above, reading the conversation's columns under a name prefix (when one query returns several rows' columns). */
  public static JsonObject json(Row r, String p, JsonObject contact, JsonObject endpoint, JsonObject lastMessage) {
    JsonArray tags = new JsonArray();
    String[] names = r.getArrayOfStrings(p + "tags");
    if (names != null) for (String t : names) tags.add(t);
    return new JsonObject()
        .put("id", r.getLong(p + "id"))
        .put("inbox_id", r.getLong(p + "inbox_id"))
        .put("endpoint_id", r.getLong(p + "endpoint_id"))
        .put("contact_id", r.getLong(p + "contact_id"))
        .put("channel", r.getString(p + "channel"))
        .put("contact_address", r.getString(p + "contact_address"))
        .put("subject", r.getString(p + "subject"))
        .put("status", r.getString(p + "status"))
        .put("priority", r.getString(p + "priority"))
        .put("assignee_id", r.getLong(p + "assignee_id"))
        .put("assignee_name", r.getString(p + "assignee_name"))
        .put("snoozed_until", Times.iso(r, p + "snoozed_until"))
        .put("tags", tags)
        .put("contact", contact)
        .put("endpoint", endpoint)
        .put("last_message", lastMessage)
        .put("last_activity_at", Times.iso(r, p + "last_activity_at"))
        .put("last_incoming_at", Times.iso(r, p + "last_incoming_at"))
        .put("created_at", Times.iso(r, p + "created_at"))
        .put("updated_at", Times.iso(r, p + "updated_at"));
  }
}
