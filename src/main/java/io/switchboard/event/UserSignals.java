package io.switchboard.event;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Signals to one user's live sockets on every node, sent once the change that causes them has committed: access to
 * an inbox granted or withdrawn, sessions ended, the account deactivated. They steer sockets, they carry no data;
 * what agents see of the change itself comes through the event log. The live gateway is their only receiver.
 */
public final class UserSignals {

  static final String SESSION_ENDED = "session.ended";
  static final String DEACTIVATED = "user.deactivated";

  /** What the live gateway does with a signal. */
  public interface Receiver {
    void granted(long inbox);

    void revoked(long inbox);

    void sessionEnded(String sessionKey);

    void deactivated();
  }

  private UserSignals() {
  }

  public static void granted(Vertx vertx, long userId, long inbox) {
    send(vertx, userId, new JsonObject().put("type", EventType.MEMBERSHIP_ADDED).put("inbox", inbox));
  }

  public static void revoked(Vertx vertx, long userId, long inbox) {
    send(vertx, userId, new JsonObject().put("type", EventType.MEMBERSHIP_REMOVED).put("inbox", inbox));
  }

  /** Closes the sockets of these sessions (hex keys); the user's other sessions stay. */
  public static void sessionsEnded(Vertx vertx, long userId, List<String> sessionKeys) {
    for (String key : sessionKeys) send(vertx, userId, new JsonObject().put("type", SESSION_ENDED).put("session", key));
  }

  public static void deactivated(Vertx vertx, long userId) {
    send(vertx, userId, new JsonObject().put("type", DEACTIVATED));
  }

  /** Hands a signal received on {@link Events#userAddress} to {@code r}. */
  public static void dispatch(String body, Receiver r) {
    JsonObject c = new JsonObject(body);
    switch (c.getString("type", "")) {
      case EventType.MEMBERSHIP_ADDED -> r.granted(c.getLong("inbox"));
      case EventType.MEMBERSHIP_REMOVED -> r.revoked(c.getLong("inbox"));
      case SESSION_ENDED -> r.sessionEnded(c.getString("session", ""));
      case DEACTIVATED -> r.deactivated();
      default -> { }
    }
  }

  private static void send(Vertx vertx, long userId, JsonObject signal) {
    vertx.eventBus().publish(Events.userAddress(userId), signal.encode());
  }
}
