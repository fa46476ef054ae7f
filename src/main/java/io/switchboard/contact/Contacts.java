package io.switchboard.contact;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Contacts as the API and the live stream show them, and who may see one.
 *
 * <p>The rule: a contact is visible to a user who is a member of the inbox of at least one of its conversations;
 * a contact with no conversation yet is visible to users with {@code contacts.manage}. Anything not visible is
 * 404. A visible contact shows all of itself (fields, identities, properties, profiles): it is one person; its
 * conversations, though, are listed only where the user is a member.
 */
public final class Contacts {

  private Contacts() {
  }

  /**
   * The SQL condition "contact {@code ct} is visible", with the user id at parameter {@code $user} and whether they
   * have contacts.manage at {@code $manage}.
   */
  public static String visibleSql(String ct, int user, int manage) {
    return "(EXISTS (SELECT 1 FROM conversation vc JOIN membership vm ON vm.inbox_id = vc.inbox_id AND vm.user_id = $" + user
        + " WHERE vc.contact_id = " + ct + ".id) OR ($" + manage + "::boolean AND NOT EXISTS (SELECT 1 FROM conversation vn"
        + " WHERE vn.contact_id = " + ct + ".id)))";
  }

  /** Columns of a contact as the API shows it, with properties, identities and profiles; alias {@code ct}. */
  public static final String COLUMNS = """
      ct.id, ct.workspace_id, ct.name, ct.email, ct.phone, ct.company, ct.blocked, ct.created_at, ct.updated_at,
      """ + Properties.valuesSql(Properties.Owner.CONTACT, "ct.id") + """
       AS properties,
      COALESCE((SELECT json_agg(json_build_object('id', i.id, 'channel', i.channel, 'address', i.address) ORDER BY i.id)
                FROM contact_identity i WHERE i.contact_id = ct.id), '[]') AS identities,
      COALESCE((SELECT json_agg(json_build_object('id', pr.id, 'name', pr.name) ORDER BY pr.name, pr.id)
                FROM profile_contact pc JOIN profile pr ON pr.id = pc.profile_id WHERE pc.contact_id = ct.id), '[]') AS profiles""";

  /** A contact's own fields as a client sent them; {@code sent} names those present (a PATCH leaves the others alone). */
  public record Fields(String name, String email, String phone, String company, Boolean blocked, Set<String> sent) {
  }

  /** What the contact list is asked for: words to look up (or null), blocked or not (or null), and the page. */
  public record Search(Lookup lookup, Boolean blocked, long beforeId, int limit) {
  }

  /** Visible contacts matching the search, newest first, as the API shows them: up to {@code limit}. */
  public static Future<List<JsonObject>> search(SqlClient c, Actor a, Search s) {
    Lookup q = s.lookup();
    return Db.list(c, "SELECT " + COLUMNS + " FROM contact ct WHERE ct.workspace_id = $1 AND " + visibleSql("ct", 2, 3)
            + " AND ($4::text[] IS NULL AND $5::text[] IS NULL OR " + Lookup.contactSql("ct", 4, 5) + ")"
            + " AND ($6::boolean IS NULL OR ct.blocked = $6) AND ct.id < $7 ORDER BY ct.id DESC LIMIT $8",
        a.workspaceId(), a.userId(), a.can(Permission.CONTACTS_MANAGE), q == null ? null : q.words(),
        q == null ? null : q.phonePatterns(), s.blocked(), s.beforeId(), s.limit())
        .map(rows -> rows.stream().map(Contacts::json).toList());
  }

  /** A new contact with these fields (not blocked unless it says so); its id. */
  public static Future<Long> create(Tx conn, long workspaceId, Fields f) {
    return Db.one(conn, """
            INSERT INTO contact (workspace_id, name, email, phone, company, blocked)
            VALUES ($1, $2, $3, $4, $5, COALESCE($6, false)) RETURNING id""",
            workspaceId, f.name(), f.email(), f.phone(), f.company(), f.blocked())
        .map(r -> r.getLong(0));
  }

  /** Sets the fields that were sent (blocked only when not null) and marks the contact updated. */
  public static Future<Void> update(Tx conn, long id, Fields f) {
    Set<String> sent = f.sent();
    return Db.query(conn, """
            UPDATE contact SET
              name = CASE WHEN $2 THEN $3 ELSE name END,
              email = CASE WHEN $4 THEN $5 ELSE email END,
              phone = CASE WHEN $6 THEN $7 ELSE phone END,
              company = CASE WHEN $8 THEN $9 ELSE company END,
              blocked = COALESCE($10, blocked),
              updated_at = now()
            WHERE id = $1""", id, sent.contains("name"), f.name(), sent.contains("email"), f.email(),
            sent.contains("phone"), f.phone(), sent.contains("company"), f.company(), f.blocked())
        .mapEmpty();
  }

  /**
   * Deletes a contact (from {@link #removable}) and with it its conversations, refused (409) while any of them is in
   * an inbox the user is not a member of: nobody destroys what they cannot see. Audited; each inbox hears of it.
   */
  public static Future<Void> delete(Tx conn, Actor a, Row contact) {
    long id = contact.getLong("id");
    return allConversationsSeen(conn, a, id,
        ApiError.conflict(null, "this contact has conversations in inboxes you are not a member of; ask someone who sees them all"))
        .compose(convs -> {
          Map<Long, JsonArray> byInbox = new LinkedHashMap<>();
          convs.forEach(r -> byInbox.computeIfAbsent(r.getLong("inbox_id"), k -> new JsonArray()).add(r.getLong("id")));
          Future<Void> f = Future.succeededFuture();
          for (Map.Entry<Long, JsonArray> e : byInbox.entrySet()) {
            for (Object conv : e.getValue()) {
              f = f.compose(v -> Timeline.deleted(conn, a.workspaceId(), e.getKey(), (Long) conv, new JsonObject().put("contact_id", id)));
            }
            f = f.compose(v -> EventLog.append(conn, a.workspaceId(), e.getKey(), null, EventType.CONTACT_DELETED,
                new JsonObject().put("contact_id", id).put("conversation_ids", e.getValue())));
          }
          return f.compose(v -> Audit.record(conn, a, "contact.deleted", "contact", id, new JsonObject()
                  .put("name", contact.getString("name")).put("email", contact.getString("email"))
                  .put("phone", contact.getString("phone")).put("conversations", convs.size())))
              .compose(v -> deleteRow(conn, id));
        });
  }

  /** Deletes the contact row; what hangs on it (identities, conversations, notes…) goes with it by cascade. */
  static Future<Void> deleteRow(SqlClient c, long id) {
    return Db.query(c, "DELETE FROM contact WHERE id = $1", id).mapEmpty();
  }

  public static Future<JsonObject> view(SqlClient c, long id) {
    return Db.one(c, "SELECT " + COLUMNS + " FROM contact ct WHERE ct.id = $1", id).map(r -> r == null ? null : json(r));
  }

  /** The contact row (ct.*) if the actor may see it; 404 otherwise. */
  public static Future<Row> visible(SqlClient c, Actor a, long id) {
    return find(c, a, id, "");
  }

  /**
   * As {@link #visible}, locking the contact in the caller's transaction against other edits, then 403 unless the
   * actor may edit contacts. The lock lets messages of the contact keep arriving meanwhile.
   */
  public static Future<Row> editable(SqlClient c, Actor a, long id) {
    return find(c, a, id, " FOR NO KEY UPDATE OF ct").map(r -> {
      a.require(Permission.CONTACTS_MANAGE);
      return r;
    });
  }

  /** As {@link #editable}, with the lock a deletion needs: arriving messages wait, then find what is left. */
  public static Future<Row> removable(SqlClient c, Actor a, long id) {
    return find(c, a, id, " FOR UPDATE OF ct").map(r -> {
      a.require(Permission.CONTACTS_MANAGE);
      return r;
    });
  }

  /**
   * The contact's conversations (id, inbox_id), locked in the caller's transaction, when every one of them is in an
   * inbox the actor is a member of; {@code refusal} (a 409) otherwise. Deleting or merging a contact changes all its
   * conversations, and nobody changes what they cannot see: for every role, as visibility is by membership.
   */
  public static Future<List<Row>> allConversationsSeen(Tx conn, Actor a, long id, ApiError refusal) {
    return Db.list(conn, """
        SELECT c.id, c.inbox_id, (m.user_id IS NOT NULL) AS member FROM conversation c
        LEFT JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.contact_id = $1 ORDER BY c.id FOR UPDATE OF c""", id, a.userId())
        .compose(convs -> convs.stream().allMatch(r -> r.getBoolean("member")) ? Future.succeededFuture(convs) : Future.failedFuture(refusal));
  }

  private static Future<Row> find(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, "SELECT ct.* FROM contact ct WHERE ct.id = $1 AND ct.workspace_id = $2 AND " + visibleSql("ct", 3, 4) + lock,
        id, a.workspaceId(), a.userId(), a.can(Permission.CONTACTS_MANAGE))
        .map(r -> {
          if (r == null) throw ApiError.notFound("contact");
          return r;
        });
  }

  /** The inboxes in which any of these contacts has a conversation: where their changes are announced. */
  public static Future<List<Long>> inboxes(SqlClient c, List<Long> contactIds) {
    return Db.list(c, "SELECT DISTINCT inbox_id FROM conversation WHERE contact_id = ANY($1) ORDER BY inbox_id",
        (Object) contactIds.toArray(Long[]::new)).map(rows -> rows.stream().map(r -> r.getLong(0)).toList());
  }

  /**
   * Appends {@code contact.updated} (the contact as it is now, and what changed) to every inbox in which the contact
   * has conversations: their members can see it, nobody else is told.
   */
  public static Future<JsonObject> announce(Tx conn, long workspaceId, long contactId, JsonArray changes) {
    return announce(conn, workspaceId, contactId, changes, new JsonObject());
  }

  /** As {@link #announce(Tx, long, long, JsonArray)}, with more data in each event. */
  public static Future<JsonObject> announce(Tx conn, long workspaceId, long contactId, JsonArray changes,
                                            JsonObject extra) {
    return view(conn, contactId).compose(contact -> inboxes(conn, List.of(contactId)).compose(inboxes -> {
      Future<Void> f = Future.succeededFuture();
      JsonObject data = extra.copy().put("contact", contact).put("changes", changes);
      for (long inbox : inboxes) {
        f = f.compose(v -> EventLog.append(conn, workspaceId, inbox, null, EventType.CONTACT_UPDATED, data));
      }
      return f.map(contact);
    }));
  }

  public static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("email", r.getString("email"))
        .put("phone", r.getString("phone"))
        .put("company", r.getString("company"))
        .put("blocked", r.getBoolean("blocked"))
        .put("properties", r.getJsonObject("properties"))
        .put("identities", r.getJsonArray("identities"))
        .put("profiles", r.getJsonArray("profiles"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }
}
