package io.switchboard.inbox;

import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoints by (channel, address) for webhook entry points, which look one up on every request to check its
 * secret or signature. Entries live {@value #TTL_MS} ms; a change made through this node's API drops the entry at
 * once, other nodes see it within that time. Unknown addresses are not cached, so a new endpoint works at once.
 */
public final class EndpointCache {

  private static final long TTL_MS = 5_000;
  private static final int MAX = 10_000;

  private record Entry(Endpoint endpoint, long at) {
  }

  private final Db db;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public EndpointCache(Db db) {
    this.db = db;
  }

  public Future<Endpoint> get(String channel, String address) {
    String key = channel + "\n" + address;
    Entry e = entries.get(key);
    long now = System.currentTimeMillis();
    if (e != null && now - e.at < TTL_MS) return Future.succeededFuture(e.endpoint);
    return Endpoints.byAddress(db.pool(), channel, address).map(ep -> {
      if (ep != null) {
        if (entries.size() >= MAX) entries.clear();
        entries.put(key, new Entry(ep, now));
      } else {
        entries.remove(key);
      }
      return ep;
    });
  }

  /** Drops an endpoint after a change to it has committed. */
  public void invalidate(long endpointId) {
    entries.values().removeIf(e -> e.endpoint.id() == endpointId);
  }
}
