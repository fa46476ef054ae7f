package io.switchboard.channel.telephony;

import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of our numbers a callback is about, so that the right auth token checks its signature: the number that
 * already holds the sid (a message or call we stored), else the first of the candidate numbers that is ours.
 */
final class Numbers {

  private Numbers() {
  }

  /** The endpoint among {@code numbers} (E.164, null ones skipped) that holds {@code sid}, else the first that exists. */
  static Future<Endpoint> resolve(SqlClient c, String sid, String... numbers) {
    Set<String> given = new LinkedHashSet<>();
    for (String n : numbers) if (n != null) given.add(n);
    if (given.isEmpty()) return Future.succeededFuture(null);
    List<String> order = new ArrayList<>(given);
    return Db.list(c, """
        SELECT e.*, EXISTS (SELECT 1 FROM activity a WHERE a.endpoint_id = e.id AND a.provider_id = $2) AS has_sid
        FROM endpoint e WHERE e.channel = 'phone' AND e.address = ANY($1)""", order.toArray(String[]::new), sid)
        .map(rows -> rows.stream()
            .min(Comparator.comparing((Row r) -> !r.getBoolean("has_sid")).thenComparing(r -> order.indexOf(r.getString("address"))))
            .map(Endpoint::of).orElse(null));
  }

  /** The number of the provider account that holds a call, for callbacks that name no number (recordings). */
  static Future<Endpoint> holding(SqlClient c, String accountSid, String sid) {
    return Db.one(c, """
        SELECT e.* FROM endpoint e JOIN activity a ON a.endpoint_id = e.id AND a.provider_id = $2
        WHERE e.channel = 'phone' AND e.settings->>'account_sid' = $1 LIMIT 1""", accountSid, sid)
        .map(r -> r == null ? null : Endpoint.of(r));
  }
}
