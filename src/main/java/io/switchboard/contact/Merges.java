package io.switchboard.contact;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.List;

/**
 * A duplicate contact ("from") disappears into the kept one ("into"), in the caller's transaction. Identities,
 * conversations, opportunities, notes and profile links move; property values and fields the kept contact lacks are
 * taken over (where both have one, the kept contact's wins); a block on either stays. Both contacts must be visible
 * to the user, who needs {@code contacts.manage}, and so must all their conversations (409 otherwise, as for a
 * deletion). Audited.
 *
 * <p>Chat-like channels keep one conversation per contact and endpoint. When both contacts have one on the same
 * endpoint, the duplicate's conversation is folded into the kept one: its messages, notes, calendar events, tags and
 * everything else that points at it move over, it is deleted, and a system entry in the kept conversation says so.
 * The kept conversation reopens if the folded one was open, and takes its assignee if it had none.
 */
public final class Merges {

  private Merges() {
  }

  /** Merges contact {@code from} into {@code into} (two different contacts); the kept contact as it is now. */
  public static Future<JsonObject> merge(Tx conn, Actor a, long into, long from) {
    // lock in id order, so two merges of the same pair the other way round cannot deadlock
    long first = Math.min(into, from);
    long second = Math.max(into, from);
    return Contacts.removable(conn, a, first).compose(r1 -> Contacts.removable(conn, a, second)
        .compose(r2 -> seesAll(conn, a, first, from).compose(v -> seesAll(conn, a, second, from)).map(r2)).compose(r2 -> {
          Row kept = r1.getLong("id") == into ? r1 : r2;
          Row gone = kept == r1 ? r2 : r1;
          return move(conn, a, kept, gone)
              .compose(folded -> Audit.record(conn, a, "contact.merged", "contact", into, new JsonObject()
                      .put("from_contact_id", from).put("from_name", gone.getString("name"))
                      .put("from_email", gone.getString("email")).put("from_phone", gone.getString("phone"))
                      .put("folded_conversations", folded))
                  .compose(v -> Contacts.deleteRow(conn, from))
                  .compose(v -> Contacts.announce(conn, a.workspaceId(), into, new JsonArray().add("merged"),
                      new JsonObject().put("merged_contact_id", from)))
                  .compose(contact -> conversationsChanged(conn, a, into).map(contact)));
        }));
  }

  /**
   * A merge changes every conversation of both contacts (each moves, folds or shows another contact), so like a
   * deletion it needs the user to be a member of all their inboxes: 409 naming the contact otherwise.
   */
  private static Future<Void> seesAll(Tx conn, Actor a, long contact, long from) {
    return Contacts.allConversationsSeen(conn, a, contact, ApiError.conflict(contact == from ? "from_contact_id" : null,
        (contact == from ? "the contact to merge" : "this contact") + " has conversations in inboxes you are not a member of; "
            + "ask someone who sees them all")).mapEmpty();
  }

  /** Moves everything of {@code gone} to {@code kept}; returns the conversations folded, as [{from, into}]. */
  private static Future<JsonArray> move(Tx conn, Actor a, Row kept, Row gone) {
    long into = kept.getLong("id");
    long from = gone.getLong("id");
    return Db.query(conn, "UPDATE contact_identity SET contact_id = $1 WHERE contact_id = $2", into, from)
        .compose(v -> fold(conn, a, into, from))
        .compose(folded -> Db.query(conn, "UPDATE conversation SET contact_id = $1, updated_at = now() WHERE contact_id = $2", into, from)
            .compose(v -> Db.query(conn, """
                INSERT INTO contact_property (contact_id, property_id, value)
                SELECT $1, property_id, value FROM contact_property WHERE contact_id = $2
                ON CONFLICT (contact_id, property_id) DO NOTHING""", into, from))
            .compose(v -> Db.query(conn, "UPDATE opportunity SET contact_id = $1, updated_at = now() WHERE contact_id = $2", into, from))
            .compose(v -> Db.query(conn, "UPDATE contact_note SET contact_id = $1 WHERE contact_id = $2", into, from))
            .compose(v -> Db.query(conn, """
                INSERT INTO profile_contact (workspace_id, profile_id, contact_id, created_at)
                SELECT workspace_id, profile_id, $1, created_at FROM profile_contact WHERE contact_id = $2
                ON CONFLICT (profile_id, contact_id) DO NOTHING""", into, from))
            .compose(v -> Db.query(conn, """
                UPDATE contact k SET name = COALESCE(k.name, g.name), email = COALESCE(k.email, g.email),
                  phone = COALESCE(k.phone, g.phone), company = COALESCE(k.company, g.company),
                  blocked = k.blocked OR g.blocked, created_at = LEAST(k.created_at, g.created_at), updated_at = now()
                FROM contact g WHERE k.id = $1 AND g.id = $2""", into, from))
            .map(folded));
  }

  /** Folds the duplicate's chat conversations into the kept contact's on the same endpoint. */
  private static Future<JsonArray> fold(Tx conn, Actor a, long into, long from) {
    return Db.list(conn, """
        SELECT g.id AS gone, k.id AS kept, g.inbox_id, g.status AS gone_status, g.assignee_id AS gone_assignee
        FROM conversation g JOIN conversation k ON k.endpoint_id = g.endpoint_id AND k.contact_id = $1
        WHERE g.contact_id = $2 AND g.channel IN ('phone', 'whatsapp', 'messenger', 'instagram', 'widget', 'api')
          AND k.channel = g.channel
        ORDER BY g.id FOR UPDATE OF g, k""", into, from).compose(pairs -> {
      JsonArray folded = new JsonArray();
      Future<Void> f = Future.succeededFuture();
      for (Row p : pairs) {
        long gone = p.getLong("gone");
        long kept = p.getLong("kept");
        long inbox = p.getLong("inbox_id");
        folded.add(new JsonObject().put("from", gone).put("into", kept));
        f = f.compose(v -> Db.query(conn, """
                INSERT INTO conversation_tag (workspace_id, conversation_id, tag_id, created_by, created_at)
                SELECT workspace_id, $1, tag_id, created_by, created_at FROM conversation_tag WHERE conversation_id = $2
                ON CONFLICT (conversation_id, tag_id) DO NOTHING""", kept, gone))
            .compose(v -> Db.query(conn, "DELETE FROM conversation_tag WHERE conversation_id = $1", gone))
            .compose(v -> Db.query(conn, "SELECT 1 FROM sb_fold_conversation($1, $2) AS done", gone, kept))
            .compose(v -> carryReads(conn, kept, gone))
            .compose(v -> Db.query(conn, """
                UPDATE conversation k SET
                  last_activity_at = GREATEST(k.last_activity_at, g.last_activity_at),
                  last_incoming_at = GREATEST(k.last_incoming_at, g.last_incoming_at),
                  status = CASE WHEN g.status = 'open' THEN 'open' ELSE k.status END,
                  snoozed_until = CASE WHEN g.status = 'open' THEN NULL ELSE k.snoozed_until END,
                  assignee_id = COALESCE(k.assignee_id, g.assignee_id), updated_at = now()
                FROM conversation g WHERE k.id = $1 AND g.id = $2""", kept, gone))
            .compose(v -> Db.query(conn, "DELETE FROM conversation WHERE id = $1", gone))
            .compose(v -> Timeline.add(conn, a.workspaceId(), inbox, kept, null, Activities.Draft.system("user", a.userId(),
                a.name(), a.name() + " merged two contacts; their conversations here are now this one",
                new JsonObject().put("change", "conversation_merged").put("from_conversation_id", gone))))
            .compose(v -> Timeline.deleted(conn, a.workspaceId(), inbox, gone, new JsonObject().put("merged_into", kept)));
      }
      return f.map(folded);
    });
  }

  /**
   * Who had read both conversations to the end has read the folded one: their read mark moves past both. Without
   * it, a reader of both would find the kept conversation unread once it takes the later incoming time of the other
   * (and the inbox's unread count stay up until something else refreshed it). Anyone who had not read one of them
   * keeps the kept one's mark, so what they had not read stays unread. Runs before the two are joined.
   */
  private static Future<Void> carryReads(Tx conn, long kept, long gone) {
    return Db.query(conn, """
        INSERT INTO conversation_read (user_id, conversation_id, last_read_at)
        SELECT r.user_id, k.id, GREATEST(kr.last_read_at, gr.last_read_at)
        FROM (SELECT DISTINCT user_id FROM conversation_read WHERE conversation_id IN ($1, $2)) r
        JOIN conversation k ON k.id = $1 JOIN conversation g ON g.id = $2
        LEFT JOIN conversation_read kr ON kr.user_id = r.user_id AND kr.conversation_id = $1
        LEFT JOIN conversation_read gr ON gr.user_id = r.user_id AND gr.conversation_id = $2
        WHERE (k.last_incoming_at IS NULL OR kr.last_read_at >= k.last_incoming_at)
          AND (g.last_incoming_at IS NULL OR gr.last_read_at >= g.last_incoming_at)
        ON CONFLICT (user_id, conversation_id) DO UPDATE SET last_read_at = EXCLUDED.last_read_at""", kept, gone).mapEmpty();
  }

  /** Every conversation of the kept contact shows a changed contact: one conversation.updated each. */
  private static Future<Void> conversationsChanged(Tx conn, Actor a, long contactId) {
    return Db.list(conn, "SELECT id, inbox_id FROM conversation WHERE contact_id = $1 ORDER BY id", contactId).compose(rows -> {
      Future<Void> f = Future.succeededFuture();
      for (Row r : rows) {
        long id = r.getLong("id");
        f = f.compose(v -> Timeline.changed(conn, a.workspaceId(), r.getLong("inbox_id"), id, List.of(), List.of("contact"), null)
            .mapEmpty());
      }
      return f;
    });
  }
}
