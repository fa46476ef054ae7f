package io.switchboard.channel.telephony;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.util.Comparator;
import java.util.List;

/**
 * Status callbacks that overtake the send they report on. The provider may call back "sent" before our own request
 * has stored its sid; such a callback is parked, and applied once the sid is stored. Both sides write first, commit,
 * then look for the other's write (the callback re-checks for the activity after parking; the sender drains after
 * storing the sid), so at least one of them sees both; applying twice is harmless because statuses only move forward
 * and every apply runs under the activity's row lock.
 */
final class EarlyCallbacks {

  /** Applies one callback's parameters to the activity it reports on (locked by the caller). */
  interface Applier {
    Future<Void> apply(Tx conn, Row activity, JsonObject params);
  }

  private EarlyCallbacks() {
  }

  /** The activity with this provider id on the endpoint, locked for the caller's transaction, or null. */
  static Future<Row> lock(Tx conn, long endpointId, String sid) {
    return Db.one(conn, "SELECT * FROM activity WHERE endpoint_id = $1 AND provider_id = $2 FOR UPDATE", endpointId, sid);
  }

  /** Applies a callback now, or parks it until the sid is stored. */
  static Future<Void> deliver(Db db, long endpointId, String sid, String kind, JsonObject params, Applier applier) {
    return db.tx(conn -> lock(conn, endpointId, sid).compose(activity -> {
      if (activity != null) return applier.apply(conn, activity, params).map(true);
      return Db.query(conn, "INSERT INTO telephony_early_callback (endpoint_id, sid, kind, params) VALUES ($1, $2, $3, $4)",
              endpointId, sid, kind, params)
          .map(false);
    })).compose(applied -> applied ? Future.succeededFuture() : drain(db, endpointId, sid, kind, applier));
  }

  /** Applies the parked callbacks of a sid once its activity exists; a no-op otherwise. */
  static Future<Void> drain(Db db, long endpointId, String sid, String kind, Applier applier) {
    return db.tx(conn -> lock(conn, endpointId, sid).compose(activity -> {
      if (activity == null) return Future.succeededFuture();
      return Db.list(conn, """
          DELETE FROM telephony_early_callback WHERE endpoint_id = $1 AND sid = $2 AND kind = $3 RETURNING id, params""",
          endpointId, sid, kind).compose(rows -> {
            List<Row> ordered = rows.stream().sorted(Comparator.comparingLong(r -> r.getLong("id"))).toList();
            Future<Void> f = Future.succeededFuture();
            for (Row r : ordered) {
              // each apply sees the activity as the previous one left it
              f = f.compose(v -> Db.one(conn, "SELECT * FROM activity WHERE id = $1", activity.getLong("id")))
                  .compose(current -> applier.apply(conn, current, r.getJsonObject("params")));
            }
            return f;
          });
    }));
  }
}
