package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Contacts;
import io.switchboard.contact.Lookup;
import io.switchboard.contact.Moments;
import io.switchboard.contact.Properties;
import io.switchboard.contact.Properties.Owner;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code /contacts}: search, create, read, edit and delete contacts, and list the conversations of one. Reads need
 * the contact to be visible ({@link Contacts}); writes also need {@code contacts.manage}. Every change is a
 * {@code contact.updated} in each inbox where the contact has conversations.
 */
public final class ContactApi {

  private final Node node;
  private final String region;

  private ContactApi(Node node) {
    this.node = node;
    this.region = node.config().phone().defaultRegion();
  }

  public static void mount(Router api, Node node) {
    ContactApi c = new ContactApi(node);
    api.get("/contacts").handler(Rest.handle(c::list));
    api.post("/contacts").handler(Rest.handle(c::create));
    api.get("/contacts/:id").handler(Rest.handle(c::get));
    api.patch("/contacts/:id").handler(Rest.handle(c::update));
    api.delete("/contacts/:id").handler(Rest.handle(c::delete));
    api.get("/contacts/:id/conversations").handler(Rest.handle(c::conversations));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    Lookup q = Lookup.of(ctx.queryParams().get("q"));
    String blockedParam = ctx.queryParams().get("blocked");
    if (blockedParam != null && !blockedParam.equals("true") && !blockedParam.equals("false")) {
      throw ApiError.validation("blocked", "blocked must be true or false");
    }
    Boolean blocked = blockedParam == null ? null : Boolean.valueOf(blockedParam);
    long before = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return Contacts.search(node.db().pool(), a, new Contacts.Search(q, blocked, before, page.limit() + 1))
        .map(items -> page.result(items, c -> c, c -> Page.cursor(c.getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    return Contacts.visible(node.db().pool(), a, id).compose(r -> Contacts.view(node.db().pool(), id));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.CONTACTS_MANAGE);
    ContactFields f = ContactFields.read(Input.of(ctx), region);
    return node.db().tx(conn -> Properties.values(conn, a.workspaceId(), Owner.CONTACT, f.properties())
        .compose(values -> Contacts.create(conn, a.workspaceId(), f.fields())
            .compose(id -> f.saveIdentities(conn, a.workspaceId(), id)
                .compose(v -> Properties.write(conn, Owner.CONTACT, id, values))
                .compose(v -> Contacts.view(conn, id)))))
        .map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    ContactFields f = ContactFields.read(Input.of(ctx), region);
    JsonArray changes = new JsonArray();
    for (String field : List.of("name", "email", "phone", "company", "blocked", "properties", "identities")) {
      if (f.has(field)) changes.add(field);
    }
    if (f.has("blocked") && f.blocked() == null) throw ApiError.validation("blocked", "blocked must be true or false");
    return node.db().tx(conn -> Contacts.editable(conn, a, id)
        .compose(before -> Properties.values(conn, a.workspaceId(), Owner.CONTACT, f.properties()))
        .compose(values -> Contacts.update(conn, id, f.fields())
            .compose(v -> f.saveIdentities(conn, a.workspaceId(), id))
            .compose(v -> Properties.write(conn, Owner.CONTACT, id, values))
            .compose(v -> changes.isEmpty() ? Contacts.view(conn, id) : Contacts.announce(conn, a.workspaceId(), id, changes))));
  }

  /**
   * Deleting a contact deletes its conversations, so it is refused (409) while any of them is in an inbox the user
   * is not a member of: nobody destroys what they cannot see. Audited; each inbox hears of the deletion.
   */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    return node.db().tx(conn -> Contacts.removable(conn, a, id).compose(contact -> Contacts.delete(conn, a, contact)));
  }

  /** The contact's conversations in inboxes the user is a member of, most recent activity first. */
  private Future<?> conversations(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    Page page = Page.of(ctx);
    Moments.Before before = MomentsApi.before(page);
    return Contacts.visible(node.db().pool(), a, id)
        .compose(r -> Moments.ofContact(node.db().pool(), a, id, before, page.limit() + 1))
        .map(items -> page.result(items, c -> c, MomentsApi::cursor));
  }
}
