package io.switchboard.contact;

import io.switchboard.auth.Actor;
import io.switchboard.conversation.Recipients;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Where a contact can be written to: for each endpoint of the inboxes the user is a member of, whether the contact
 * already has a conversation there and whether the endpoint can reach them, so the agent's screen offers "start a
 * conversation" exactly where it would succeed. An endpoint and conversation query, kept here because it is asked
 * about a contact.
 */
public final class ContactChannels {

  private ContactChannels() {
  }

  /** The endpoints for a contact (the row {@link Contacts#visible} gave), by inbox name, channel and id. */
  public static Future<JsonArray> of(SqlClient c, Actor a, Row contact) {
    long contactId = contact.getLong("id");
    return Future.all(
        Db.list(c, "SELECT channel, address FROM contact_identity WHERE contact_id = $1 ORDER BY id DESC", contactId),
        Db.list(c, """
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
          return items;
        });
  }

  private static JsonObject item(Row contact, List<Row> identities, Row r) {
    Endpoint ep = Endpoint.of(r);
    Long conversation = r.getLong("conversation_id");
    Recipients.Reach reach = Recipients.reach(contact, identities, ep, r.getString("conversation_address"));
    // a chat keeps one conversation per contact and endpoint; e-mail starts a new thread each time
    boolean joined = conversation != null && Endpoints.CHAT_LIKE.contains(ep.channel());
    String reason = joined ? "the contact already has a conversation here"
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
