package io.switchboard.contact;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Notes about a profile or a contact: who wrote them and when, newest first. Whoever may see the owner reads them;
 * writing needs {@code contacts.manage}; a note is deleted by its author (or by {@code settings.manage}). Every change
 * is announced as a change of its owner.
 */
public final class Notes {

  private Notes() {
  }

  /** What notes hang on: its name, the table of its notes and that table's owner column. */
  public enum Owner {
    PROFILE("profile", "profile_note", "profile_id"),
    CONTACT("contact", "contact_note", "contact_id");

    private final String what;
    private final String table;
    private final String column;

    Owner(String what, String table, String column) {
      this.what = what;
      this.table = table;
      this.column = column;
    }

    /** "profile" or "contact", as paths and errors name it. */
    public String what() {
      return what;
    }

    /** The owner if the actor may read its notes, or with {@code forWrite} change them; 404 or 403 otherwise. */
    public Future<Row> check(Tx conn, Actor a, long id, boolean forWrite) {
      return switch (this) {
        case PROFILE -> forWrite ? Profiles.editable(conn, a, id) : Profiles.visible(conn, a, id, false);
        case CONTACT -> forWrite ? Contacts.editable(conn, a, id) : Contacts.visible(conn, a, id);
      };
    }

    private Future<Void> announce(Tx conn, Actor a, long id, String change) {
      return switch (this) {
        case PROFILE -> Profiles.announce(conn, a.workspaceId(), id, change);
        case CONTACT -> Contacts.announce(conn, a.workspaceId(), id, new JsonArray().add("notes")).mapEmpty();
      };
    }

    private String select() {
      return "SELECT n.id, n.text, n.author_id, u.name AS author_name, n.created_at FROM " + table
          + " n LEFT JOIN app_user u ON u.id = n.author_id ";
    }
  }

  /** The owner's notes before {@code beforeId}, newest first, up to {@code limit}. */
  public static Future<List<JsonObject>> list(SqlClient c, Owner o, long ownerId, long beforeId, int limit) {
    return Db.list(c, o.select() + "WHERE n." + o.column + " = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3",
            ownerId, beforeId, limit)
        .map(rows -> rows.stream().map(Notes::json).toList());
  }

  /** Adds the actor's note and announces it; the note as the API shows it. */
  public static Future<JsonObject> add(Tx conn, Actor a, Owner o, long ownerId, String text) {
    return Db.one(conn, "INSERT INTO " + o.table + " (workspace_id, " + o.column + ", author_id, text)"
            + " VALUES ($1, $2, $3, $4) RETURNING id", a.workspaceId(), ownerId, a.userId(), text)
        .compose(r -> o.announce(conn, a, ownerId, "note_added")
            .compose(v -> Db.one(conn, o.select() + "WHERE n.id = $1", r.getLong(0)).map(Notes::json)));
  }

  /** Deletes a note of the owner (404 when it has none such, 403 unless the actor wrote it or manages settings). */
  public static Future<Void> delete(Tx conn, Actor a, Owner o, long ownerId, long noteId) {
    return Db.one(conn, "SELECT author_id FROM " + o.table + " WHERE id = $1 AND " + o.column + " = $2 FOR UPDATE",
            noteId, ownerId)
        .compose(note -> {
          if (note == null) return Future.failedFuture(ApiError.notFound("note"));
          Long author = note.getLong(0);
          if ((author == null || author != a.userId()) && !a.can(Permission.SETTINGS_MANAGE)) {
            return Future.failedFuture(ApiError.forbidden("only its author deletes a note"));
          }
          return Db.query(conn, "DELETE FROM " + o.table + " WHERE id = $1", noteId)
              .compose(v -> o.announce(conn, a, ownerId, "note_deleted"));
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("text", r.getString("text"))
        .put("author", new JsonObject().put("id", r.getLong("author_id")).put("name", r.getString("author_name")))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
