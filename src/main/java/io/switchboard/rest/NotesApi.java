package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Notes;
import io.switchboard.contact.Notes.Owner;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Notes about a profile or a contact ({@code GET/POST /profiles/{id}/notes}, {@code /contacts/{id}/notes},
 * {@code DELETE …/notes/{note_id}}): who wrote them and when, newest first. Whoever may see the profile or contact
 * reads them; writing needs {@code contacts.manage}; a note is deleted by its author (or by {@code settings.manage}).
 */
public final class NotesApi {

  static final int MAX_TEXT = 5000;

  private final Node node;

  private NotesApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    NotesApi n = new NotesApi(node);
    for (Owner o : Owner.values()) {
      String base = "/" + o.what() + "s/:id/notes";
      api.get(base).handler(Rest.handle(ctx -> n.list(ctx, o)));
      api.post(base).handler(Rest.handle(ctx -> n.create(ctx, o)));
      api.delete(base + "/:note_id").handler(Rest.handle(ctx -> n.delete(ctx, o)));
    }
  }

  private Future<?> list(RoutingContext ctx, Owner o) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", o.what());
    Page page = Page.of(ctx);
    long before = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return node.db().tx(conn -> o.check(conn, a, id, false)
            .compose(r -> Notes.list(conn, o, id, before, page.limit() + 1)))
        .map(items -> page.result(items, n -> n, n -> Page.cursor(n.getLong("id"))));
  }

  private Future<?> create(RoutingContext ctx, Owner o) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", o.what());
    String text = Input.of(ctx).text("text", MAX_TEXT).strip();
    return node.db().tx(conn -> o.check(conn, a, id, true).compose(r -> Notes.add(conn, a, o, id, text)))
        .map(Reply::created);
  }

  private Future<?> delete(RoutingContext ctx, Owner o) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", o.what());
    long noteId = Rest.pathId(ctx, "note_id", "note");
    return node.db().tx(conn -> o.check(conn, a, id, true).compose(r -> Notes.delete(conn, a, o, id, noteId)));
  }
}
