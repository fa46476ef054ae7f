package io.switchboard.live;

import java.util.HashMap;
import java.util.Map;

/**
 * Who is online, from their open sockets on this node: a user is {@code online} if any tab is, {@code away} if all
 * their tabs are away, {@code offline} with no socket. Shared by the node's gateway instances.
 */
public final class Presence {

  private final Map<Long, Map<Long, String>> sockets = new HashMap<>();

  /**
   * Records one socket's status (null: closed); returns the user's new aggregate status when it changed, else null.
   */
  public synchronized String update(long userId, long socketId, String status) {
    String before = status(userId);
    Map<Long, String> mine = sockets.computeIfAbsent(userId, k -> new HashMap<>());
    if (status == null) mine.remove(socketId);
    else mine.put(socketId, status);
    if (mine.isEmpty()) sockets.remove(userId);
    String after = status(userId);
    return before.equals(after) ? null : after;
  }

  public synchronized String status(long userId) {
    Map<Long, String> mine = sockets.get(userId);
    if (mine == null || mine.isEmpty()) return "offline";
    return mine.containsValue("online") ? "online" : "away";
  }

  /** Every user with at least one socket, and their status. */
  public synchronized Map<Long, String> snapshot() {
    Map<Long, String> out = new HashMap<>();
    for (Long user : sockets.keySet()) out.put(user, status(user));
    return out;
  }
}
