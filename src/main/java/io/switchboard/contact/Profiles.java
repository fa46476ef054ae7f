package io.switchboard.contact;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
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
      + Properties.valuesSql(Properties.Owner.PROFILE, "p.id") + " AS properties";

  /** What the profile list is asked for: words to look up (or null), and the page after a name and id. */
  public record Search(Lookup lookup, String afterName, long afterId, int limit) {
  }

  /** A profile as the list shows it, with the key it is sorted by (its name as the database lower-cases it). */
  public record Listed(JsonObject profile, String sortName) {
  }

  /**
   * Visible profiles by name, each with the number of its contacts the actor can see; the lookup matches the name and
   * profile property values, or any visible member contact as the contact search does.
   */
  public static Future<List<Listed>> search(SqlClient c, Actor a, Search s) {
    Lookup q = s.lookup();
    return Db.list(c, "SELECT " + COLUMNS + ", lower(p.name) AS sort_name, (SELECT count(*) FROM profile_contact cc JOIN contact ct"
            + " ON ct.id = cc.contact_id WHERE cc.profile_id = p.id AND " + Contacts.visibleSql("ct", 2, 3) + ") AS contact_count"
            + " FROM profile p WHERE p.workspace_id = $1 AND " + visibleSql("p", 2, 3)
            + " AND ($4::text[] IS NULL AND $5::text[] IS NULL OR " + Lookup.profileSql("p", 4, 5, 2, 3) + ")"
            + " AND (lower(p.name), p.id) > ($6, $7) ORDER BY lower(p.name), p.id LIMIT $8",
        a.workspaceId(), a.userId(), a.can(Permission.CONTACTS_MANAGE), q == null ? null : q.words(),
        q == null ? null : q.phonePatterns(), s.afterName(), s.afterId(), s.limit())
        .map(rows -> rows.stream()
            .map(r -> new Listed(summary(r).put("contact_count", r.getLong("contact_count")), r.getString("sort_name")))
            .toList());
  }

  /** A new, empty profile; its id. */
  public static Future<Long> create(Tx conn, long workspaceId, String name) {
    return Db.one(conn, "INSERT INTO profile (workspace_id, name) VALUES ($1, $2) RETURNING id", workspaceId, name)
        .map(r -> r.getLong(0));
  }

  /** Renames the profile ({@code name} null keeps it) and marks it updated. */
  public static Future<Void> update(Tx conn, long id, String name) {
    return Db.query(conn, "UPDATE profile SET name = COALESCE($2, name), updated_at = now() WHERE id = $1", id, name).mapEmpty();
  }

  /**
   * Deletes the profile (from {@link #editable}) for good; its contacts, their conversations and properties stay, and
   * each contact's inboxes hear that its profiles changed. Audited.
   */
  public static Future<Void> delete(Tx conn, Actor a, Row profile) {
    long id = profile.getLong("id");
    return contactIds(conn, id).compose(contacts ->
        announce(conn, a.workspaceId(), id, EventType.PROFILE_DELETED, "deleted", null, List.of())
            .compose(v -> Audit.record(conn, a, "profile.deleted", "profile", id,
                new JsonObject().put("name", profile.getString("name")).put("contact_ids", new JsonArray(contacts))))
            .compose(v -> Db.query(conn, "DELETE FROM profile WHERE id = $1", id))
            .compose(v -> {
              Future<Void> f = Future.succeededFuture();
              for (long c : contacts) f = f.compose(x -> profilesChanged(conn, a, c));
              return f;
            }));
  }

  /**
   * Attaches a contact the actor can see (404 naming the contact when the field is {@code contact_id}, else 400 "no
   * such contact" naming {@code field}); 409 naming {@code field} when it is already attached. Announces the profile
   * and the contact, whose list of profiles changed.
   */
  public static Future<Void> attach(Tx conn, Actor a, long profileId, long contactId, String field) {
    return Contacts.visible(conn, a, contactId)
        .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 && !field.equals("contact_id")
            ? ApiError.validation(field, "no such contact") : t))
        .compose(c -> Db.one(conn, """
            INSERT INTO profile_contact (workspace_id, profile_id, contact_id) VALUES ($1, $2, $3)
            ON CONFLICT (profile_id, contact_id) DO NOTHING RETURNING contact_id""", a.workspaceId(), profileId, contactId))
        .compose(r -> r == null
            ? Future.failedFuture(ApiError.conflict(field, "the contact is already attached to this profile"))
            : touch(conn, profileId)
                .compose(v -> announce(conn, a.workspaceId(), profileId, EventType.PROFILE_UPDATED, "contact_attached",
                    contactId, List.of()))
                .compose(v -> profilesChanged(conn, a, contactId)));
  }

  /** Detaches a contact (404 when it is not in the profile) and announces the profile and the contact. */
  public static Future<Void> detach(Tx conn, Actor a, long profileId, long contactId) {
    return Db.one(conn, "DELETE FROM profile_contact WHERE profile_id = $1 AND contact_id = $2 RETURNING contact_id",
            profileId, contactId)
        .compose(r -> r == null ? Future.failedFuture(ApiError.notFound("contact in this profile"))
            : touch(conn, profileId)
                .compose(v -> announce(conn, a.workspaceId(), profileId, EventType.PROFILE_UPDATED, "contact_detached",
                    contactId, List.of(contactId)))
                .compose(v -> profilesChanged(conn, a, contactId)));
  }

  private static Future<Void> touch(Tx conn, long id) {
    return Db.query(conn, "UPDATE profile SET updated_at = now() WHERE id = $1", id).mapEmpty();
  }

  /** The contact's list of profiles changed: a contact.updated in its inboxes. */
  private static Future<Void> profilesChanged(Tx conn, Actor a, long contactId) {
    return Contacts.announce(conn, a.workspaceId(), contactId, new JsonArray().add("profiles")).mapEmpty();
  }

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

  /** Appends a {@code profile.updated} about the profile itself (no contact named) with {@code change}. */
  public static Future<Void> announce(Tx conn, long workspaceId, long profileId, String change) {
    return announce(conn, workspaceId, profileId, EventType.PROFILE_UPDATED, change, null, List.of());
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
