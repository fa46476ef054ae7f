package io.switchboard.auth;

import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Browser sessions. Only the SHA-256 of a session token is stored; its hex form (the session's key) names the
 * session to the live sockets that must close with it. Sessions of deactivated users and expired sessions
 * authenticate nobody.
 */
public final class Sessions {

  /** A new session: the token for the cookie and the CSRF token its writes must carry. */
  public record Started(String token, String csrfToken) {
  }

  /** A session signed out: its user and key. */
  public record Ended(long userId, String key) {
  }

  private final Db db;
  private final Roles roles;
  private final Duration ttl;

  public Sessions(Db db, Roles roles, Duration ttl) {
    this.db = db;
    this.roles = roles;
    this.ttl = ttl;
  }

  /** The actor of a live session, or null. */
  public Future<Actor> actor(String token) {
    byte[] hash = Secrets.sha256(token);
    return db.one("""
        SELECT u.id, u.workspace_id, u.email, u.name, u.role, s.csrf_token,
               (s.last_seen_at < now() - interval '10 minutes') AS stale
        FROM session s JOIN app_user u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active""", hash).map(r -> {
          if (r == null) return null;
          if (r.getBoolean("stale")) {
            // sliding expiry, written at most every ten minutes per session
            db.query("UPDATE session SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2) WHERE token_hash = $1",
                hash, (double) ttl.toSeconds());
            db.query("UPDATE app_user SET last_seen_at = now() WHERE id = $1", r.getLong("id"));
          }
          return Users.actor(r, roles, r.getString("csrf_token"), false);
        });
  }

  /** Starts a session for a user who proved their password. */
  public Future<Started> start(long userId, long workspaceId, String ip, String userAgent) {
    String token = Secrets.token(32);
    String csrf = Secrets.token(24);
    return db.query("""
        INSERT INTO session (token_hash, workspace_id, user_id, csrf_token, ip, user_agent, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))""",
        Secrets.sha256(token), workspaceId, userId, csrf, ip,
        userAgent == null ? null : userAgent.substring(0, Math.min(300, userAgent.length())), (double) ttl.toSeconds())
        .compose(v -> db.query("UPDATE app_user SET last_seen_at = now() WHERE id = $1", userId))
        .map(v -> new Started(token, csrf));
  }

  /** The CSRF token of the live session, or null when there is none. */
  public Future<String> csrfToken(String token) {
    return db.one("SELECT csrf_token FROM session WHERE token_hash = $1 AND expires_at > now()", Secrets.sha256(token))
        .map(r -> r == null ? null : r.getString("csrf_token"));
  }

  /** Ends the session; null when it was already gone. */
  public Future<Ended> end(String token) {
    byte[] hash = Secrets.sha256(token);
    return db.one("DELETE FROM session WHERE token_hash = $1 RETURNING user_id", hash)
        .map(r -> r == null ? null : new Ended(r.getLong(0), Secrets.key(hash)));
  }

  /**
   * What a change of access ends, in the transaction of the change: deactivation ends every session and personal
   * token of the user, a new password every one but {@code keep} (the key of the credential that changed one's own
   * password; null for none). Returns the keys of the sessions and tokens ended, so that their live sockets close.
   */
  public static Future<List<String>> afterAccessChange(Tx conn, long userId, boolean active, boolean passwordChanged,
                                                       byte[] keep) {
    if (active && !passwordChanged) return Future.succeededFuture(List.of());
    return Db.list(conn, "DELETE FROM session WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash", userId, keep)
        .compose(ended -> Tokens.revokeAll(conn, userId, keep).map(tokens -> {
          List<String> keys = new ArrayList<>(tokens);
          ended.forEach(r -> keys.add(Secrets.key(r.getBuffer("token_hash").getBytes())));
          return keys;
        }));
  }

}
