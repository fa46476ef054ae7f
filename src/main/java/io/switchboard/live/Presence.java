package io.switchboard.live;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Who is online: a user is {@code online} if any of their tabs is, on any node; {@code away} if all their tabs
 * are away; {@code offline} with no socket anywhere. Each node knows its own sockets exactly and learns the other
 * nodes' over the event bus (a change at once, everything every refresh interval); a node not heard from for
 * three intervals is forgotten, so the users of a node that died go offline.
 */
public final class Presence {

  static final String SYNC = "presence.sync";

  private final Map<Long, Map<Long, String>> sockets = new HashMap<>();
  private final Map<String, Remote> remote = new HashMap<>();
  private Vertx vertx;
  private String nodeId;
  private long refreshMs;
  private long timer;

  private record Remote(Map<Long, String> users, long heard) {
  }

  /** Joins the cluster-wide view (also harmless on a single node). */
  public void start(Vertx vertx, String nodeId, long refreshSeconds) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.refreshMs = refreshSeconds * 1000;
    vertx.eventBus().<String>consumer(SYNC, m -> heard(new JsonObject(m.body())));
    timer = vertx.setPeriodic(refreshMs, id -> {
      expire();
      share(snapshotLocal(), true, false);
    });
  }

  /** Tells the other nodes this node's users are gone. */
  public void leave() {
    if (vertx == null) return;
    vertx.cancelTimer(timer);
    share(Map.of(), true, true);
  }

  /**
   * Records one socket's status (null: closed); returns the user's new cluster-wide status when it changed, else null.
   */
  public synchronized String update(long userId, long socketId, String status) {
    String before = status(userId);
    String localBefore = local(userId);
    Map<Long, String> mine = sockets.computeIfAbsent(userId, k -> new HashMap<>());
    if (status == null) mine.remove(socketId);
    else mine.put(socketId, status);
    if (mine.isEmpty()) sockets.remove(userId);
    String localAfter = local(userId);
    if (!localBefore.equals(localAfter)) share(Map.of(userId, localAfter), false, false);
    String after = status(userId);
    return before.equals(after) ? null : after;
  }

  /** The user's status across the cluster. */
  public synchronized String status(long userId) {
    String best = local(userId);
    for (Remote r : remote.values()) best = better(best, r.users.getOrDefault(userId, "offline"));
    return best;
  }

  private String local(long userId) {
    Map<Long, String> mine = sockets.get(userId);
    if (mine == null || mine.isEmpty()) return "offline";
    return mine.containsValue("online") ? "online" : "away";
  }

  private static String better(String a, String b) {
    if (a.equals("online") || b.equals("online")) return "online";
    if (a.equals("away") || b.equals("away")) return "away";
    return "offline";
  }

  private synchronized Map<Long, String> snapshotLocal() {
    Map<Long, String> out = new HashMap<>();
    for (Long user : sockets.keySet()) out.put(user, local(user));
    return out;
  }

  private void share(Map<Long, String> users, boolean full, boolean leaving) {
    if (vertx == null) return;
    JsonObject u = new JsonObject();
    users.forEach((k, v) -> u.put(String.valueOf(k), v));
    vertx.eventBus().publish(SYNC, new JsonObject().put("node", nodeId).put("users", u).put("full", full)
        .put("leaving", leaving).encode());
  }

  private synchronized void heard(JsonObject m) {
    String node = m.getString("node");
    if (node == null || node.equals(nodeId)) return;
    if (m.getBoolean("leaving", false)) {
      remote.remove(node);
      return;
    }
    Map<Long, String> users = new HashMap<>();
    Remote known = remote.get(node);
    if (known != null && !m.getBoolean("full", false)) users.putAll(known.users);
    JsonObject u = m.getJsonObject("users", new JsonObject());
    for (String k : u.fieldNames()) {
      String s = u.getString(k);
      if ("offline".equals(s)) users.remove(Long.valueOf(k));
      else users.put(Long.valueOf(k), s);
    }
    remote.put(node, new Remote(users, System.currentTimeMillis()));
  }

  private synchronized void expire() {
    long now = System.currentTimeMillis();
    for (Iterator<Remote> it = remote.values().iterator(); it.hasNext(); ) {
      if (now - it.next().heard > 3 * refreshMs) it.remove();
    }
  }
}
