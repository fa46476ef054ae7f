package io.switchboard.sandbox;

import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.List;

/**
 * What the simulator reads and writes: sandbox endpoints by the address or account a request names, the message a
 * test message became, and the delivery of e-mail and API replies, which have no provider callback to carry it.
 */
final class SandboxStore {

  private final Db db;

  SandboxStore(Db db) {
    this.db = db;
  }

  /** The sandbox endpoint of {@code channel} with this address, or null (also for an endpoint not in sandbox mode). */
  Future<Endpoint> endpoint(String channel, String address) {
    return db.one("SELECT * FROM endpoint WHERE channel = $1 AND address = $2 AND sandbox", channel, address)
        .map(r -> r == null ? null : Endpoint.of(r));
  }

  /** Every sandbox endpoint of these channels (a bearer token names its endpoint only by comparison). */
  Future<List<Endpoint>> endpoints(List<String> channels) {
    return db.list("SELECT * FROM endpoint WHERE channel = ANY($1) AND sandbox ORDER BY id", (Object) channels.toArray(new String[0]))
        .map(rows -> rows.stream().map(Endpoint::of).toList());
  }

  /** What the message stored under this provider id became, or null while it is not stored. */
  Future<JsonObject> stored(long endpointId, String providerId) {
    return db.one("""
        SELECT a.id, a.conversation_id, c.contact_id FROM activity a JOIN conversation c ON c.id = a.conversation_id
        WHERE a.endpoint_id = $1 AND a.provider_id = $2 AND a.direction = 'in' ORDER BY a.id LIMIT 1""", endpointId, providerId)
        .map(SandboxStore::stored);
  }

  private static JsonObject stored(Row r) {
    return r == null ? null : new JsonObject().put("activity_id", r.getLong("id"))
        .put("conversation_id", r.getLong("conversation_id")).put("contact_id", r.getLong("contact_id"));
  }

  /**
   * Marks a sandbox endpoint's reply {@code delivered} once it is recorded as {@code sent}, the way a provider's
   * report would: answers whether it changed (false while the send is not recorded yet). {@code messageId} finds
   * an e-mail reply by its Message-ID (unguessable), {@code activityId} an API reply of the endpoint {@code endpointId}.
   */
  Future<Boolean> delivered(Long endpointId, Long activityId, String messageId) {
    return db.tx(conn -> Db.one(conn, """
            UPDATE activity a SET status = 'delivered', data = a.data || '{"provider_status":"delivered"}'::jsonb, updated_at = now()
            FROM endpoint e
            WHERE e.id = a.endpoint_id AND e.sandbox AND a.direction = 'out' AND a.status = 'sent'
              AND ((a.id = $1 AND a.endpoint_id = $3) OR a.provider_id = $2)
            RETURNING a.id""", activityId, messageId, endpointId)
        .compose(r -> r == null ? Future.succeededFuture(false) : Timeline.updated(conn, r.getLong("id")).map(true)));
  }
}
