package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.ContactChannels;
import io.switchboard.contact.Contacts;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/contacts/{id}/channels}: for each endpoint of the inboxes the user is a member of, whether the
 * contact already has a conversation there and whether the contact can be reached from it, so the agent's screen
 * can offer "start a conversation" ({@code POST /conversations}) exactly where it would succeed.
 */
public final class ContactChannelsApi {

  private final Node node;

  private ContactChannelsApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    ContactChannelsApi c = new ContactChannelsApi(node);
    api.get("/contacts/:id/channels").handler(Rest.handle(c::list));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long contactId = Rest.pathId(ctx, "id", "contact");
    // the contact's channels are shown only to someone who may see the contact (404 otherwise)
    return Contacts.visible(node.db().pool(), a, contactId)
        .compose(contact -> ContactChannels.of(node.db().pool(), a, contact))
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }
}
