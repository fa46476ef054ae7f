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

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Profiles as the API and the live stream show them, and who may see one.
 *
 * <p>The rule follows the contact rule: a profile is visible to a user who can see at least one of its contacts,
 * and an empty profile to users with {@code contacts.manage}. Inside a visible profile the user sees only the
 * contacts (and, through them, the conversations and attachments) they could see anyway; the others are not
 * listed, not counted and not searched.
 */
public final class Profiles {

  private Profiles() {
  }

  public static final int MAX_NAME = 200;

  /** "profile {@code p} is visible", with the user at {@code $user} and contacts.manage at {@code $manage}. */
  public static String visibleSql(String p, int user, int manage) {
    return "(EXISTS (SELECT 1 FROM profile_contact vpc JOIN contact vct ON vct.id = vpc.contact_id WHERE vpc.profile_id = "
        + p + ".id AND " + Contacts.visibleSql("vct", user, manage) + ") OR ($" + manage
        + "::boolean AND NOT EXISTS (SELECT 1 FROM profile_contact vpe WHERE vpe.profile_id = " + p + ".id)))";
  }

  public static final String COLUMNS = "p.id, p.workspace_id, p.name, p.created_at, p.updated_at, "
      + Properties.valuesSql("profile_property", "profile_id", "p.id") + " AS properties";

  /** The profile row if visible to the actor; 404 otherwise. */
  public static Future<Row> visible(SqlClient c, Actor a, long id, boolean lock) {
    return Db.one(c, "SELECT p.* FROM profile p WHERE p.id = $1 AND p.workspace_id = $2 AND " + visibleSql("p", 3, 4)
            + (lock ? " FOR UPDATE OF p" : ""), id, a.workspaceId(), a.userId(), a.can(Permission.CONTACTS_MANAGE))
        .map(r -> {
          if (r == null) throw ApiError.notFound("profile");
          return r;
        });
  }

  /** Visible, locked, and 403 unless the actor may edit profiles. */
  public static Future<Row> editable(SqlClient c, Actor a, long id) {
    return visible(c, a, id, true).map(r -> {
      a.require(Permission.CONTACTS_MANAGE);
      return r;
    });
  }

  /** The profile as this actor sees it: its visible contacts, and those grouped by the channels they reach us on. */
  public static Future<JsonObject> view(SqlClient c, Actor a, long id) {
    return Db.one(c, "SELECT " + COLUMNS + " FROM profile p WHERE p.id = $1", id).compose(p -> Db.list(c, "SELECT "
        + Contacts.COLUMNS + ", pc.created_at AS attached_at FROM profile_contact pc JOIN contact ct ON ct.id = pc.contact_id"
        + " WHERE pc.profile_id = $1 AND " + Contacts.visibleSql("ct", 2, 3) + " ORDER BY lower(ct.name), ct.id",
        id, a.userId(), a.can(Permission.CONTACTS_MANAGE)).map(contacts -> {
          JsonArray list = new JsonArray();
          JsonObject byChannel = new JsonObject();
          for (Row ct : contacts) {
            JsonObject contact = Contacts.json(ct).put("attached_at", Times.iso(ct, "attached_at"));
            contact.remove("profiles");
            list.add(contact);
            JsonArray identities = contact.getJsonArray("identities");
            if (identities.isEmpty()) {
              group(byChannel, "other").add(entry(contact, null));
            }
            for (Object o : identities) {
              JsonObject i = (JsonObject) o;
              group(byChannel, i.getString("channel")).add(entry(contact, i.getString("address")));
            }
          }
          return summary(p).put("contacts", list).put("contacts_by_channel", byChannel).put("contact_count", list.size());
        }));
  }

  private static JsonArray group(JsonObject byChannel, String channel) {
    JsonArray g = byChannel.getJsonArray(channel);
    if (g == null) {
      g = new JsonArray();
      byChannel.put(channel, g);
    }
    return g;
  }

  private static JsonObject entry(JsonObject contact, String address) {
    return new JsonObject().put("contact_id", contact.getLong("id")).put("name", contact.getString("name")).put("address", address);
  }

  /** What every viewer may see of a visible profile, and what its live events carry. */
  public static JsonObject summary(Row p) {
    return new JsonObject()
        .put("id", p.getLong("id"))
        .put("name", p.getString("name"))
        .put("properties", p.getJsonObject("properties"))
        .put("created_at", Times.iso(p, "created_at"))
        .put("updated_at", Times.iso(p, "updated_at"));
  }

  public static Future<List<Long>> contactIds(SqlClient c, long profileId) {
    return Db.list(c, "SELECT contact_id FROM profile_contact WHERE profile_id = $1", profileId)
        .map(rows -> rows.stream().map(r -> r.getLong(0)).toList());
  }

  /**
   * Appends {@code type} for the profile to every inbox in which one of its contacts (or one of {@code alsoContacts},
   * e.g. one just detached) has conversations. The data is the profile's summary, never its contact list: members of
   * one inbox must not learn of contacts they cannot see. {@code contactId} is named only in inboxes where that
   * contact has conversations.
   */
  public static Future<Void> announce(Tx conn, long workspaceId, long profileId, String type, String change,
                               Long contactId, List<Long> alsoContacts) {
    Future<JsonObject> summary = EventType.PROFILE_DELETED.equals(type)
        ? Future.succeededFuture(new JsonObject().put("id", profileId))
        : Db.one(conn, "SELECT " + COLUMNS + " FROM profile p WHERE p.id = $1", profileId).map(Profiles::summary);
    return summary.compose(profile -> contactIds(conn, profileId).compose(ids -> {
      Set<Long> all = new LinkedHashSet<>(ids);
      all.addAll(alsoContacts);
      return Contacts.inboxes(conn, new ArrayList<>(all)).compose(inboxes -> contactInboxes(conn, contactId).compose(own -> {
        Future<Void> f = Future.succeededFuture();
        for (long inbox : inboxes) {
          JsonObject data = new JsonObject().put("profile", profile).put("change", change);
          if (contactId != null && own.contains(inbox)) data.put("contact_id", contactId);
          f = f.compose(v -> EventLog.append(conn, workspaceId, inbox, null, type, data));
        }
        return f;
      }));
    }));
  }

  private static Future<List<Long>> contactInboxes(SqlClient c, Long contactId) {
    return contactId == null ? Future.succeededFuture(List.of()) : Contacts.inboxes(c, List.of(contactId));
  }
}
