package io.switchboard.auth;

import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;

/**
 * Invite links: the way an invited user (one created without a password) sets their own. A link carries a random
 * token; only its SHA-256 is stored, so the table gives no working link away. A link works once and until it
 * expires; a new link for the same user ends the ones before it.
 */
public final class Invites {

  /** What a link is now: {@code open} (usable), {@code used}, or {@code expired} (or replaced by a newer link). */
  public enum State { OPEN, USED, EXPIRED;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A link just made: the token (shown once, never stored) and when it stops working. */
  public record Issued(String token, String expiresAt) {
  }

  /** A link looked up by its token: its state, the user it is for, and the workspace's name. */
  public record Found(State state, long userId, long workspaceId, String email, String name, String role,
                      String workspaceName, String expiresAt) {
  }

  private Invites() {
  }

  /** Makes a new link for the user, ending any earlier one that is still open. */
  public static Future<Issued> issue(Tx conn, long workspaceId, long userId, long createdBy, Duration ttl) {
    String token = Secrets.token(32);
    return Db.query(conn, "UPDATE user_invite SET expires_at = least(expires_at, now()) WHERE user_id = $1 AND used_at IS NULL", userId)
        .compose(v -> Db.one(conn, """
            INSERT INTO user_invite (token_hash, workspace_id, user_id, created_by, expires_at)
            VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at""",
            Secrets.sha256(token), workspaceId, userId, createdBy, (double) ttl.toSeconds()))
        .map(r -> new Issued(token, Times.iso(r, "expires_at")));
  }

  /**
   * The link with this token, or null when there is none; {@code lock} holds it until the transaction ends, so that
   * two uses at once cannot both find it open.
   */
  public static Future<Found> find(SqlClient c, String token, boolean lock) {
    return Db.one(c, """
        SELECT i.user_id, i.workspace_id, i.used_at IS NOT NULL AS used, i.expires_at <= now() AS expired, i.expires_at,
               u.email, u.name, u.role, u.active, u.password_hash IS NOT NULL AS has_password, w.name AS workspace_name
        FROM user_invite i JOIN app_user u ON u.id = i.user_id JOIN workspace w ON w.id = i.workspace_id
        WHERE i.token_hash = $1""" + (lock ? " FOR UPDATE OF i" : ""), Secrets.sha256(token))
        .map(r -> {
          if (r == null) return null;
          State state = r.getBoolean("used") || r.getBoolean("has_password") ? State.USED
              : r.getBoolean("expired") || !r.getBoolean("active") ? State.EXPIRED : State.OPEN;
          return new Found(state, r.getLong("user_id"), r.getLong("workspace_id"), r.getString("email"),
              r.getString("name"), r.getString("role"), r.getString("workspace_name"), Times.iso(r, "expires_at"));
        });
  }

  /** Marks the link used. */
  public static Future<Void> use(Tx conn, String token) {
    return Db.query(conn, "UPDATE user_invite SET used_at = now() WHERE token_hash = $1", Secrets.sha256(token)).mapEmpty();
  }

  /** The link as the invitee's page is told about it: its state and, while it is open, whom it is for. */
  public static JsonObject json(Found f) {
    JsonObject o = new JsonObject().put("state", f.state().key());
    if (f.state() == State.OPEN) {
      o.put("email", f.email()).put("name", f.name()).put("workspace", f.workspaceName()).put("expires_at", f.expiresAt());
    }
    return o;
  }
}
