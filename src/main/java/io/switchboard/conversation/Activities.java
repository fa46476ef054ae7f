package io.switchboard.conversation;

import io.switchboard.auth.Actor;
import io.switchboard.db.Db;
import io.switchboard.common.Times;
import io.switchboard.outbound.FailureWords;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/** Activities (messages, notes, calls, voicemails, system entries): how they are written, read and shown. */
public final class Activities {

  public static final Set<String> KINDS = Set.of("message", "note", "call", "voicemail", "system");

  private Activities() {
  }

  /** Columns of an activity as the API shows it, with its attachments; alias {@code a}. */
  public static final String COLUMNS = """
      a.id, a.workspace_id, a.inbox_id, a.conversation_id, a.endpoint_id, a.kind, a.direction, a.status,
      a.sender_type, a.sender_id, a.sender_name, a.subject, a.text, a.html, a.provider_id, a.error_code,
      a.error_message, a.data, a.created_at, a.updated_at,
      COALESCE((SELECT json_agg(json_build_object('id', x.id, 'filename', x.filename, 'content_type', x.content_type,
                 'size', x.size, 'inline', x.inline, 'content_id', x.content_id, 'status', x.status, 'error', x.error) ORDER BY x.id)
                FROM attachment x WHERE x.activity_id = a.id), '[]') AS attachments""";

  /** What a new activity holds; ids of the conversation it joins come from the caller. */
  public record Draft(String kind, String direction, String status, String senderType, Long senderId, String senderName,
                      String subject, String text, String html, String providerId, JsonObject data) {

    public static Draft note(long userId, String userName, String text) {
      return new Draft("note", null, null, "user", userId, userName, null, text, null, null, new JsonObject());
    }

    public static Draft system(String actorType, Long actorId, String actorName, String text, JsonObject data) {
      return new Draft("system", null, null, actorType, actorId, actorName, null, text, null, null, data);
    }
  }

  /** Inserts an activity into a conversation; returns its id. */
  public static Future<Long> insert(Tx conn, long workspaceId, long inboxId, long conversationId, Long endpointId,
                                    Draft d) {
    return Db.one(conn, """
        INSERT INTO activity (workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
          sender_id, sender_name, subject, text, html, provider_id, data)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id""",
        workspaceId, inboxId, conversationId, endpointId, d.kind(), d.direction(), d.status(), d.senderType(), d.senderId(),
        d.senderName(), d.subject(), d.text(), d.html(), d.providerId(), d.data() == null ? new JsonObject() : d.data())
        .map(r -> r.getLong(0));
  }

  /** A page of a conversation's history, newest first: of the given kinds (null: all), ids below {@code afterId}. */
  public record Query(long conversationId, List<String> kinds, long afterId, int limit) {
  }

  /** The activities of the query, if the actor can see their conversation; 404 otherwise. */
  public static Future<List<JsonObject>> list(SqlClient c, Actor a, Query q) {
    return Conversations.visible(c, a, q.conversationId()).compose(conv -> Db.list(c, "SELECT " + COLUMNS + """
         FROM activity a WHERE a.conversation_id = $1 AND ($2::text[] IS NULL OR a.kind = ANY($2)) AND a.id < $3
        ORDER BY a.id DESC LIMIT $4""", q.conversationId(), q.kinds() == null ? null : q.kinds().toArray(String[]::new),
        q.afterId(), q.limit()))
        .map(rows -> rows.stream().map(Activities::json).toList());
  }

  public static Future<JsonObject> view(SqlClient c, long activityId) {
    return Db.one(c, "SELECT " + COLUMNS + " FROM activity a WHERE a.id = $1", activityId).map(r -> r == null ? null : json(r));
  }

  public static JsonObject json(Row r) {
    return json(new Fields(r.getLong("id"), r.getLong("conversation_id"), r.getLong("inbox_id"), r.getLong("endpoint_id"),
        r.getString("kind"), r.getString("direction"), r.getString("status"), r.getString("sender_type"), r.getLong("sender_id"),
        r.getString("sender_name"), r.getString("subject"), r.getString("text"), r.getString("html"), r.getString("provider_id"),
        r.getString("error_code"), r.getString("error_message"), r.getJsonArray("attachments"), r.getJsonObject("data"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at")));
  }

  /** An activity's columns, for writers that know them before (or without) reading the row back. */
  public record Fields(long id, long conversationId, long inboxId, Long endpointId, String kind, String direction, String status,
                       String senderType, Long senderId, String senderName, String subject, String text, String html,
                       String providerId, String errorCode, String errorMessage, JsonArray attachments, JsonObject data,
                       OffsetDateTime createdAt, OffsetDateTime updatedAt) {
  }

  /** The one JSON shape of an activity, in REST answers and live events alike. */
  public static JsonObject json(Fields f) {
    JsonArray shown = new JsonArray();
    if (f.attachments() != null) {
      for (Object o : f.attachments()) {
        JsonObject x = ((JsonObject) o).copy();
        x.put("url", "/api/v1/attachments/" + x.getLong("id"));
        shown.add(x);
      }
    }
    JsonObject error = f.errorCode() == null && f.errorMessage() == null ? null
        : new JsonObject().put("code", f.errorCode()).put("message", f.errorMessage());
    return new JsonObject()
        .put("id", f.id())
        .put("conversation_id", f.conversationId())
        .put("inbox_id", f.inboxId())
        .put("endpoint_id", f.endpointId())
        .put("kind", f.kind())
        .put("direction", f.direction())
        .put("status", f.status())
        .put("sender", new JsonObject().put("type", f.senderType()).put("id", f.senderId()).put("name", f.senderName()))
        .put("subject", f.subject())
        .put("text", f.text())
        .put("html", f.html())
        .put("provider_id", f.providerId())
        .put("error", error)
        .put("delivery", delivery(f))
        .put("attachments", shown)
        .put("data", f.data())
        .put("created_at", Times.iso(f.createdAt()))
        .put("updated_at", Times.iso(f.updatedAt()));
  }

  /**
   * How an outgoing message's sending goes, for agents: attempts made and the most there will be, whether it is
   * being retried and when next, and for a failure (or the last failed attempt) its cause in words with who can put
   * it right, the provider's code and text beside them. Null for anything but an outgoing message.
   */
  static JsonObject delivery(Fields f) {
    if (!"message".equals(f.kind()) || !"out".equals(f.direction())) return null;
    JsonObject d = f.data() == null ? null : f.data().getJsonObject("delivery");
    JsonObject out = new JsonObject()
        .put("attempts", d == null ? 0 : d.getInteger("attempts", 0))
        .put("max_attempts", d == null ? null : d.getInteger("max_attempts"))
        .put("retrying", false);
    boolean retrying = d != null && d.getBoolean("retrying", false) && "queued".equals(f.status());
    boolean failed = "failed".equals(f.status());
    if (retrying) {
      out.put("retrying", true).put("next_attempt", out.getInteger("attempts") + 1).put("next_attempt_at", d.getString("next_attempt_at"));
    }
    if (retrying || failed) {
      SendFailure.Cause cause = SendFailure.Cause.of(d == null ? null : d.getString("cause"));
      String channel = d == null ? null : d.getString("channel");
      out.put("cause", cause.key())
          .put("fixed_by", FailureWords.fixer(cause))
          .put("explanation", FailureWords.explain(cause, channel))
          .put("error_code", f.errorCode())
          .put("error", f.errorMessage());
    }
    return out;
  }
}
