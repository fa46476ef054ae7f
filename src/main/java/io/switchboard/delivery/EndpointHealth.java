package io.switchboard.delivery;

import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.outbound.FailureWords;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an endpoint's sends keep failing: {@code failing} when, in the last day, its latest outgoing message that
 * reached an outcome failed (or is being retried) for a reason on the endpoint's side (the provider unreachable,
 * credentials refused, settings missing…), with no message sent since. A wrong number or a closed 24-hour window is
 * the recipient's, and says nothing about the endpoint.
 */
public final class EndpointHealth {

  private static final JsonObject OK = new JsonObject().put("state", "ok");

  private EndpointHealth() {
  }

  /** The health of each endpoint, by id; {@code {"state":"ok"}} for those not failing. */
  public static Future<Map<Long, JsonObject>> of(SqlClient c, List<Long> endpointIds) {
    if (endpointIds.isEmpty()) return Future.succeededFuture(Map.of());
    return Db.list(c, """
        WITH r AS (
          SELECT a.endpoint_id, a.updated_at, a.status, a.error_message, a.data->'delivery' AS d
          FROM activity a
          WHERE a.endpoint_id = ANY($1) AND a.kind = 'message' AND a.direction = 'out'
            AND a.created_at > now() - interval '1 day'
            AND (a.status IN ('sent', 'delivered', 'read') OR a.data->'delivery'->>'fault' = 'endpoint')
        ), ok AS (
          SELECT endpoint_id, max(updated_at) AS at FROM r WHERE status IN ('sent', 'delivered', 'read') GROUP BY endpoint_id
        )
        SELECT r.endpoint_id, count(*) AS failures, min(r.updated_at) AS since,
          (array_agg(r.d->>'cause' ORDER BY r.updated_at DESC))[1] AS cause,
          (array_agg(r.d->>'channel' ORDER BY r.updated_at DESC))[1] AS channel,
          (array_agg(r.error_message ORDER BY r.updated_at DESC))[1] AS error
        FROM r LEFT JOIN ok ON ok.endpoint_id = r.endpoint_id
        WHERE r.status NOT IN ('sent', 'delivered', 'read') AND (ok.at IS NULL OR r.updated_at > ok.at)
        GROUP BY r.endpoint_id""", (Object) endpointIds.toArray(Long[]::new))
        .map(rows -> {
          Map<Long, JsonObject> out = new HashMap<>();
          for (Long id : endpointIds) out.put(id, OK.copy());
          for (Row r : rows) out.put(r.getLong("endpoint_id"), failing(r));
          return out;
        });
  }

  /** Sets {@code health} on each endpoint JSON ({@code id}) of the array. */
  public static Future<JsonArray> annotate(SqlClient c, JsonArray endpoints) {
    List<Long> ids = endpoints.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    return of(c, ids).map(health -> {
      for (Object o : endpoints) {
        JsonObject ep = (JsonObject) o;
        ep.put("health", health.getOrDefault(ep.getLong("id"), OK.copy()));
      }
      return endpoints;
    });
  }

  private static JsonObject failing(Row r) {
    SendFailure.Cause cause = SendFailure.Cause.of(r.getString("cause"));
    return new JsonObject()
        .put("state", "failing")
        .put("since", Times.iso(r.getOffsetDateTime("since")))
        .put("failures", r.getLong("failures"))
        .put("cause", cause.key())
        .put("last_error", FailureWords.explain(cause, r.getString("channel")))
        .put("details", r.getString("error"));
  }
}
