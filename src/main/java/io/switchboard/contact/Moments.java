package io.switchboard.contact;

import io.switchboard.auth.Actor;
import io.switchboard.common.Times;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * What happened with a contact, or with every contact of a profile: their conversations on every channel, most recent
 * activity first, and the files exchanged in them, newest first. Only conversations of inboxes the user is a member
 * of are listed, whatever the contact or profile holds. Conversation queries, kept here because they are asked by
 * contact and profile.
 */
public final class Moments {

  private Moments() {
  }

  /** Where a page of conversations starts: just before this last activity and id. */
  public record Before(OffsetDateTime at, long id) {
    public static final Before NEWEST = new Before(OffsetDateTime.parse("9999-12-31T00:00:00Z"), Long.MAX_VALUE);
  }

  /** The contact's conversations as the API lists them, up to {@code limit}. */
  public static Future<List<JsonObject>> ofContact(SqlClient c, Actor a, long contactId, Before before, int limit) {
    return conversations(c, a, "c.contact_id = $1", contactId, before, limit);
  }

  /** The conversations of all the profile's contacts, up to {@code limit}. */
  public static Future<List<JsonObject>> ofProfile(SqlClient c, Actor a, long profileId, Before before, int limit) {
    return conversations(c, a, "c.contact_id IN (SELECT contact_id FROM profile_contact WHERE profile_id = $1)",
        profileId, before, limit);
  }

  /** {@code whose} is a constant condition on conversation {@code c} with the owner's id at $1. */
  private static Future<List<JsonObject>> conversations(SqlClient c, Actor a, String whose, long id, Before before, int limit) {
    return Db.list(c, Conversations.VIEW + "JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2 WHERE " + whose
            + " AND (c.last_activity_at, c.id) < ($3, $4) ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $5",
        id, a.userId(), before.at(), before.id(), limit)
        .map(rows -> rows.stream().map(Conversations::json).toList());
  }

  /** The files exchanged in the conversations of the profile's contacts, newest first, before {@code beforeId}. */
  public static Future<List<JsonObject>> attachments(SqlClient c, Actor a, long profileId, long beforeId, int limit) {
    return Db.list(c, """
        SELECT x.id, x.filename, x.content_type, x.size, x.inline, x.status, x.created_at, act.id AS activity_id,
          act.kind, act.direction, c.id AS conversation_id, c.inbox_id, c.channel, c.contact_id
        FROM attachment x
        JOIN activity act ON act.id = x.activity_id
        JOIN conversation c ON c.id = act.conversation_id
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.contact_id IN (SELECT contact_id FROM profile_contact WHERE profile_id = $1) AND x.id < $3
        ORDER BY x.id DESC LIMIT $4""", profileId, a.userId(), beforeId, limit)
        .map(rows -> rows.stream().map(Moments::attachment).toList());
  }

  private static JsonObject attachment(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("filename", r.getString("filename"))
        .put("content_type", r.getString("content_type"))
        .put("size", r.getLong("size"))
        .put("inline", r.getBoolean("inline"))
        .put("status", r.getString("status"))
        .put("url", "/api/v1/attachments/" + r.getLong("id"))
        .put("activity_id", r.getLong("activity_id"))
        .put("kind", r.getString("kind"))
        .put("direction", r.getString("direction"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("channel", r.getString("channel"))
        .put("contact_id", r.getLong("contact_id"))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
