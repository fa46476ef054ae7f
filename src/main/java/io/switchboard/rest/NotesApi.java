package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Contacts;
import io.switchboard.contact.Profiles;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.util.List;

/**
 * Notes about a profile or a contact ({@code GET/POST /profiles/{id}/notes}, {@code /contacts/{id}/notes},
 * {@code DELETE …/notes/{note_id}}): who wrote them and when, newest first. Whoever may see the profile or contact
 * reads them; writing needs {@code contacts.manage}; a note is deleted by its author (or by {@code settings.manage}).
 */
public final class NotesApi {

  static final int MAX_TEXT = 5000;

  /** Where notes hang: a table and its owner column (constants), and how the owner is checked and announced. */
  private record Owner(String what, String table, String column, Check visible, Announce announce) {
  }

  private interface Check {
    Future<Row> of(Tx conn, Actor a, long id, boolean forWrite);
  }

  private interface Announce {
    Future<Void> of(Tx conn, Actor a, long id, String change);
  }

  private static final Owner PROFILE = new Owner("profile", "profile_note", "profile_id",
      (conn, a, id, write) -> write ? Profiles.editable(conn, a, id) : Profiles.visible(conn, a, id, false),
      (conn, a, id, change) -> Profiles.announce(conn, a.workspaceId(), id, EventType.PROFILE_UPDATED, change, null, List.of()));

  private static final Owner CONTACT = new Owner("contact", "contact_note", "contact_id",
      (conn, a, id, write) -> write ? Contacts.editable(conn, a, id) : Contacts.visible(conn, a, id),
      (conn, a, id, change) -> Contacts.announce(conn, a.workspaceId(), id, new JsonArray().add("notes")).mapEmpty());

  private final Node node;

  private NotesApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    NotesApi n = new NotesApi(node);
    for (Owner o : List.of(PROFILE, CONTACT)) {
      String base = "/" + o.what() + "s/:id/notes";
      api.get(base).handler(Rest.handle(ctx -> n.list(ctx, o)));
      api.post(base).handler(Rest.handle(ctx -> n.create(ctx, o)));
      api.delete(base + "/:note_id").handler(Rest.handle(ctx -> n.delete(ctx, o)));
    }
  }

  private static String select(Owner o) {
    return "SELECT n.id, n.text, n.author_id, u.name AS author_name, n.created_at FROM " + o.table()
        + " n LEFT JOIN app_user u ON u.id = n.author_id ";
  }

  private Future<?> list(RoutingContext ctx, Owner o) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", o.what());
    Page page = Page.of(ctx);
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return node.db().tx(conn -> o.visible().of(conn, a, id, false)
            .compose(r -> Db.list(conn, select(o) + "WHERE n." + o.column() + " = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3",
                id, after, page.limit() + 1)))
        .map(rows -> page.result(rows, NotesApi::json, r -> Page.cursor(r.getLong("id"))));
  }

  private Future<?> create(RoutingContext ctx, Owner o) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", o.what());
    String text = Input.of(ctx).text("text", MAX_TEXT).strip();
    return node.db().tx(conn -> o.visible().of(conn, a, id, true)
        .compose(r -> Db.one(conn, "INSERT INTO " + o.table() + " (workspace_id, " + o.column() + ", author_id, text)"
            + " VALUES ($1, $2, $3, $4) RETURNING id", a.workspaceId(), id, a.userId(), text))
        .compose(r -> o.announce().of(conn, a, id, "note_added").compose(v -> one(conn, o, r.getLong(0)))))
        .map(Reply::created);
  }

  private Future<?> delete(RoutingContext ctx, Owner o) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", o.what());
    long noteId = Rest.pathId(ctx, "note_id", "note");
    return node.db().tx(conn -> o.visible().of(conn, a, id, true)
        .compose(r -> Db.one(conn, "SELECT author_id FROM " + o.table() + " WHERE id = $1 AND " + o.column() + " = $2 FOR UPDATE",
            noteId, id))
        .compose(note -> {
          if (note == null) return Future.failedFuture(ApiError.notFound("note"));
          Long author = note.getLong(0);
          if ((author == null || author != a.userId()) && !a.can(Permission.SETTINGS_MANAGE)) {
            return Future.failedFuture(ApiError.forbidden("only its author deletes a note"));
          }
          return Db.query(conn, "DELETE FROM " + o.table() + " WHERE id = $1", noteId)
              .compose(v -> o.announce().of(conn, a, id, "note_deleted"));
        }));
  }

  private static Future<JsonObject> one(SqlClient c, Owner o, long noteId) {
    return Db.one(c, select(o) + "WHERE n.id = $1", noteId).map(NotesApi::json);
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("text", r.getString("text"))
        .put("author", new JsonObject().put("id", r.getLong("author_id")).put("name", r.getString("author_name")))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
