package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Recipients;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.util.List;

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
    return io.switchboard.contact.Contacts.visible(node.db().pool(), a, contactId).compose(contact -> {
      return Future.all(
          node.db().list("SELECT channel, address FROM contact_identity WHERE contact_id = $1 ORDER BY id DESC", contactId),
          node.db().list("""
              SELECT e.*, i.name AS inbox_name, cv.id AS conversation_id, cv.contact_address AS conversation_address
              FROM endpoint e
              JOIN inbox i ON i.id = e.inbox_id
              JOIN membership m ON m.inbox_id = e.inbox_id AND m.user_id = $1
              LEFT JOIN LATERAL (SELECT c.id, c.contact_address FROM conversation c
                                 WHERE c.endpoint_id = e.id AND c.contact_id = $2
                                 ORDER BY c.last_activity_at DESC LIMIT 1) cv ON true
              WHERE e.workspace_id = $3
              ORDER BY lower(i.name), e.channel, e.id""", a.userId(), contactId, a.workspaceId()))
          .map(all -> {
            List<Row> identities = all.resultAt(0);
            List<Row> endpoints = all.resultAt(1);
            JsonArray items = new JsonArray();
            for (Row r : endpoints) items.add(item(contact, identities, r));
            return new JsonObject().put("items", items).put("next_cursor", null);
          });
    });
  }

  private static JsonObject item(Row contact, List<Row> identities, Row r) {
    Endpoint ep = Endpoint.of(r);
    Long conversation = r.getLong("conversation_id");
    Recipients.Reach reach = Recipients.reach(contact, identities, ep, r.getString("conversation_address"));
    String reason = conversation != null ? "the contact already has a conversation here"
        : !ep.enabled() ? "the endpoint is disabled" + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason())
        : reach.reason();
    return new JsonObject()
        .put("endpoint_id", ep.id())
        .put("inbox_id", ep.inboxId())
        .put("inbox_name", r.getString("inbox_name"))
        .put("channel", ep.channel())
        .put("address", ep.address())
        .put("name", ep.name())
        .put("enabled", ep.enabled())
        .put("disabled_reason", ep.disabledReason())
        .put("conversation_id", conversation)
        .put("contact_address", reach.address())
        .put("can_start", reason == null)
        .put("reason", reason);
  }
}
