package io.switchboard.contact;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.util.List;

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
      """ + Properties.valuesSql("contact_property", "contact_id", "ct.id") + """
       AS properties,
      COALESCE((SELECT json_agg(json_build_object('id', i.id, 'channel', i.channel, 'address', i.address) ORDER BY i.id)
                FROM contact_identity i WHERE i.contact_id = ct.id), '[]') AS identities,
      COALESCE((SELECT json_agg(json_build_object('id', pr.id, 'name', pr.name) ORDER BY pr.name, pr.id)
                FROM profile_contact pc JOIN profile pr ON pr.id = pc.profile_id WHERE pc.contact_id = ct.id), '[]') AS profiles""";

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
