package io.switchboard.auth;

import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Personal access tokens, for integrations. Only the SHA-256 of a token is stored: the token itself is shown once,
 * when it is made. Revoked and expired tokens, and those of deactivated users, authenticate nobody.
 */
public final class Tokens {

  private final Db db;
  private final Roles roles;

  public Tokens(Db db, Roles roles) {
    this.db = db;
    this.roles = roles;
  }

  /** The actor of a valid token, or null. */
  public Future<Actor> actor(String token) {
    return db.one("""
        SELECT u.id, u.workspace_id, u.email, u.name, u.role, t.id AS token_id,
               (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
        FROM access_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.active""",
        Secrets.sha256(token)).map(r -> {
          if (r == null) return null;
          // last use, written at most once a minute per token
          if (r.getBoolean("stale")) db.query("UPDATE access_token SET last_used_at = now() WHERE id = $1", r.getLong("token_id"));
          return Users.actor(r, roles, null, true);
        });
  }

  /** The user's tokens still in force, newest first, from before {@code beforeId}. */
  public Future<List<JsonObject>> list(long userId, long beforeId, int limit) {
    return db.list("""
        SELECT id, name, created_at, last_used_at, expires_at FROM access_token
        WHERE user_id = $1 AND revoked_at IS NULL AND id < $2 ORDER BY id DESC LIMIT $3""", userId, beforeId, limit)
        .map(rows -> rows.stream().map(r -> new JsonObject()
            .put("id", r.getLong("id")).put("name", r.getString("name"))
            .put("created_at", Times.iso(r, "created_at")).put("last_used_at", Times.iso(r, "last_used_at"))
            .put("expires_at", Times.iso(r, "expires_at"))).toList());
  }

  /** Makes a token, valid for ever or for {@code expiresInDays}; the answer holds the token, shown this once. */
  public Future<JsonObject> create(long workspaceId, long userId, String name, Long expiresInDays) {
    String token = "sbp_" + Secrets.token(32);
    return db.one("""
        INSERT INTO access_token (workspace_id, user_id, name, token_hash, expires_at)
        VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(days => $5::int) END)
        RETURNING id, created_at, expires_at""",
        workspaceId, userId, name, Secrets.sha256(token), expiresInDays == null ? null : expiresInDays.intValue())
        .map(r -> new JsonObject().put("id", r.getLong("id")).put("token", token)
            .put("created_at", Times.iso(r, "created_at")).put("expires_at", Times.iso(r, "expires_at")));
  }

  /**
   * Revokes one of the user's tokens; answers the token's key (hex SHA-256, as live sockets opened with it carry it),
   * or null when they have no such token in force.
   */
  public Future<String> revoke(long id, long userId) {
    return db.one("UPDATE access_token SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING token_hash",
        id, userId).map(r -> r == null ? null : Secrets.key(r.getBuffer("token_hash").getBytes()));
  }

  /** Revokes every token of the user in force but {@code keep} (a token's key; null for none); answers their keys. */
  static Future<List<String>> revokeAll(Tx conn, long userId, byte[] keep) {
    return Db.list(conn, """
        UPDATE access_token SET revoked_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $2 RETURNING token_hash""", userId, keep)
        .map(rows -> rows.stream().map(r -> Secrets.key(r.getBuffer("token_hash").getBytes())).toList());
  }
}
