package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Contacts;
import io.switchboard.contact.Lookup;
import io.switchboard.contact.Profiles;
import io.switchboard.contact.Properties;
import io.switchboard.contact.Properties.Owner;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.switchboard.db.Tx;

/**
 * {@code /profiles}: named groups of contacts (a customer writing as several contacts, or a company). Search,
 * create, rename, fill profile properties, attach and detach contacts (also from a conversation: "attach profile"),
 * and delete for good (its contacts stay). Attaching a contact that is already attached is a 409 naming
 * {@code contact_id}, so a client learns its view was stale instead of silently succeeding.
 */
public final class ProfileApi {

  private final Node node;

  private ProfileApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    ProfileApi p = new ProfileApi(node);
    api.get("/profiles").handler(Rest.handle(p::list));
    api.post("/profiles").handler(Rest.handle(p::create));
    api.get("/profiles/:id").handler(Rest.handle(p::get));
    api.patch("/profiles/:id").handler(Rest.handle(p::update));
    api.delete("/profiles/:id").handler(Rest.handle(p::delete));
    api.put("/profiles/:id/contacts/:contact_id").handler(Rest.handle(p::attach));
    api.delete("/profiles/:id/contacts/:contact_id").handler(Rest.handle(p::detach));
    api.post("/conversations/:id/profile").handler(Rest.handle(p::fromConversation));
  }

  /**
   * Visible profiles by name; {@code q} matches the name and profile property values, or any visible member contact
   * (name, e-mail, phone in any format, company, identities, its property values).
   */
  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    Lookup q = Lookup.of(ctx.queryParams().get("q"));
    String afterName = page.after() == null ? "" : page.afterString(0);
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    return Profiles.search(node.db().pool(), a, new Profiles.Search(q, afterName, afterId, page.limit() + 1))
        .map(items -> page.result(items, Profiles.Listed::profile,
            p -> Page.cursor(p.sortName(), p.profile().getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    return Profiles.visible(node.db().pool(), a, id, false).compose(p -> Profiles.view(node.db().pool(), a, id));
  }

  /** {@code {"name","properties","contact_ids"}}: contacts listed are attached at once (each must be visible). */
  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.CONTACTS_MANAGE);
    Input in = Input.of(ctx);
    String name = in.text("name", Profiles.MAX_NAME).trim();
    JsonObject properties = in.optObject("properties");
    JsonArray contactIds = in.optArray("contact_ids", 100);
    return node.db().tx(conn -> Properties.values(conn, a.workspaceId(), Owner.PROFILE, properties)
        .compose(values -> Profiles.create(conn, a.workspaceId(), name)
            .compose(id -> Properties.write(conn, Owner.PROFILE, id, values)
                .compose(v -> attachAll(conn, a, id, contactIds))
                .compose(v -> Profiles.announce(conn, a.workspaceId(), id, "created"))
                .compose(v -> Profiles.view(conn, a, id)))))
        .map(Reply::created);
  }

  private Future<Void> attachAll(Tx conn, Actor a, long profileId, JsonArray contactIds) {
    Future<Void> f = Future.succeededFuture();
    if (contactIds == null) return f;
    for (int i = 0; i < contactIds.size(); i++) {
      String field = "contact_ids[" + i + "]";
      if (!(contactIds.getValue(i) instanceof Number n) || n.longValue() <= 0) {
        return Future.failedFuture(ApiError.validation(field, field + " must be a contact id"));
      }
      long contactId = n.longValue();
      f = f.compose(v -> Profiles.attach(conn, a, profileId, contactId, field));
    }
    return f;
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    Input in = Input.of(ctx);
    String name = in.has("name") ? in.text("name", Profiles.MAX_NAME).trim() : null;
    JsonObject properties = in.optObject("properties");
    return node.db().tx(conn -> Profiles.editable(conn, a, id)
        .compose(p -> Properties.values(conn, a.workspaceId(), Owner.PROFILE, properties))
        .compose(values -> Profiles.update(conn, id, name)
            .compose(v -> Properties.write(conn, Owner.PROFILE, id, values))
            .compose(v -> Profiles.announce(conn, a.workspaceId(), id, "updated"))
            .compose(v -> Profiles.view(conn, a, id))));
  }

  /** Deletes the profile for good; its contacts, their conversations and properties stay. Audited. */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    return node.db().tx(conn -> Profiles.editable(conn, a, id).compose(p -> Profiles.delete(conn, a, p)));
  }

  private Future<?> attach(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    long contactId = Rest.pathId(ctx, "contact_id", "contact");
    return node.db().tx(conn -> Profiles.editable(conn, a, id)
        .compose(p -> Profiles.attach(conn, a, id, contactId, "contact_id"))
        .compose(v -> Profiles.view(conn, a, id)));
  }

  private Future<?> detach(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    long contactId = Rest.pathId(ctx, "contact_id", "contact");
    return node.db().tx(conn -> Profiles.editable(conn, a, id)
        .compose(p -> Contacts.visible(conn, a, contactId))
        .compose(c -> Profiles.detach(conn, a, id, contactId)));
  }

  /**
   * "Attach profile" from a conversation: {@code {"profile_id"}} attaches the conversation's contact to that profile
   * (200), {@code {"name"}} creates a profile on the spot with the contact in it (201).
   */
  private Future<?> fromConversation(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long conversationId = Rest.pathId(ctx, "id", "conversation");
    Input in = Input.of(ctx);
    Long profileId = in.optId("profile_id");
    String name = in.optText("name", Profiles.MAX_NAME);
    if ((profileId == null) == (name == null || name.isBlank())) {
      throw ApiError.validation("profile_id", "send profile_id (an existing profile) or name (a new one), not both");
    }
    return node.db().tx(conn -> Conversations.visible(conn, a, conversationId).compose(conv -> {
      a.require(Permission.CONTACTS_MANAGE);
      long contactId = conv.getLong("contact_id");
      if (profileId != null) {
        return Profiles.visible(conn, a, profileId, true)
            .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404
                ? ApiError.validation("profile_id", "no such profile") : t))
            .compose(p -> Profiles.attach(conn, a, profileId, contactId, "profile_id"))
            .compose(v -> Profiles.view(conn, a, profileId)).map(j -> (Object) j);
      }
      return Profiles.create(conn, a.workspaceId(), name.trim())
          .compose(id -> Profiles.attach(conn, a, id, contactId, "profile_id")
              .compose(v -> Profiles.view(conn, a, id)).map(j -> (Object) Reply.created(j)));
    }));
  }
}
