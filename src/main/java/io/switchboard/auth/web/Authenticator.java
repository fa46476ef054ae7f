package io.switchboard.auth.web;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Permission;
import io.switchboard.auth.Roles;
import io.switchboard.auth.Secrets;
import io.switchboard.db.Db;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.ClientAddress;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.time.Duration;

/**
 * Who is calling: a session cookie (browsers; writes must carry the session's CSRF token) or a bearer token
 * (integrations; no cookie, so no CSRF). Deactivated users and expired sessions authenticate as nobody.
 */
public final class Authenticator {

  private static final String ACTOR = "actor";

  public static final String COOKIE = "sb_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private final Db db;
  private final Roles roles;
  private final boolean secureCookie;
  private final Duration sessionTtl;
  private final ClientAddress clients;

  /** The signed-in user behind a request past {@link #required()}; 401 when there is none. */
  public static Actor actor(RoutingContext ctx) {
    Actor a = ctx.get(ACTOR);
    if (a == null) throw ApiError.unauthorized("sign in first");
    return a;
  }

  public Authenticator(Db db, Roles roles, boolean secureCookie, Duration sessionTtl, ClientAddress clients) {
    this.db = db;
    this.roles = roles;
    this.secureCookie = secureCookie;
    this.sessionTtl = sessionTtl;
    this.clients = clients;
  }

  /** Route handler for everything under /api/v1 that needs a user. */
  public Handler<RoutingContext> required() {
    return ctx -> authenticate(ctx.request(), false).onComplete(ar -> {
      if (ar.failed()) {
        Rest.fail(ctx, ar.cause());
        return;
      }
      Actor actor = ar.result();
      if (actor == null) {
        Rest.fail(ctx, ApiError.unauthorized("sign in or send a bearer token"));
        return;
      }
      if (!actor.viaToken() && !safe(ctx.request().method())) {
        String sent = ctx.request().getHeader(CSRF_HEADER);
        if (!Secrets.constantTimeEquals(sent, actor.csrfToken())) {
          Rest.fail(ctx, ApiError.forbidden("missing or wrong " + CSRF_HEADER + " header"));
          return;
        }
      }
      ctx.put(ACTOR, actor);
      ctx.next();
    });
  }

  private static boolean safe(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
  }

  /**
   * The actor behind a request, or null. {@code allowQueryToken} lets WebSocket upgrades pass a token as
   * {@code ?access_token=}, since browsers cannot set headers on them.
   */
  public Future<Actor> authenticate(HttpServerRequest req, boolean allowQueryToken) {
    String token = bearer(req, allowQueryToken);
    if (token != null) return byToken(token);
    Cookie c = req.getCookie(COOKIE);
    if (c != null && !c.getValue().isEmpty()) return bySession(c.getValue());
    return Future.succeededFuture(null);
  }

  private static String bearer(HttpServerRequest req, boolean allowQueryToken) {
    String auth = req.getHeader("Authorization");
    String token = null;
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) token = auth.substring(7).trim();
    else if (allowQueryToken) token = req.getParam("access_token");
    return token == null || token.isEmpty() ? null : token;
  }

  /**
   * The stored key (SHA-256) of the credential an authenticated API request came with: its personal token, or its
   * session cookie.
   */
  public static byte[] credentialKey(HttpServerRequest req, Actor actor) {
    if (actor.viaToken()) return Secrets.sha256(bearer(req, false));
    return Secrets.sha256(req.getCookie(COOKIE).getValue());
  }

  private Future<Actor> byToken(String token) {
    return db.one("""
        SELECT u.id, u.workspace_id, u.email, u.name, u.role, t.id AS token_id,
               (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
        FROM access_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.active""",
        Secrets.sha256(token)).map(r -> {
          if (r == null) return null;
          if (r.getBoolean("stale")) db.query("UPDATE access_token SET last_used_at = now() WHERE id = $1", r.getLong("token_id"));
          return actor(r, null, true);
        });
  }

  private Future<Actor> bySession(String token) {
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
                hash, (double) sessionTtl.toSeconds());
          }
          return actor(r, r.getString("csrf_token"), false);
        });
  }

  private Actor actor(Row r, String csrf, boolean viaToken) {
    String role = r.getString("role");
    return new Actor(r.getLong("id"), r.getLong("workspace_id"), r.getString("email"), r.getString("name"), role,
        roles.permissions(role), csrf, viaToken);
  }

  /** Starts a session for a user who proved their password; returns the CSRF token. */
  public Future<String> startSession(long userId, long workspaceId, HttpServerRequest req, HttpServerResponse res) {
    String token = Secrets.token(32);
    String csrf = Secrets.token(24);
    String ua = req.getHeader("User-Agent");
    return db.query("""
        INSERT INTO session (token_hash, workspace_id, user_id, csrf_token, ip, user_agent, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))""",
        Secrets.sha256(token), workspaceId, userId, csrf, clientIp(req),
        ua == null ? null : ua.substring(0, Math.min(300, ua.length())), (double) sessionTtl.toSeconds())
        .map(v -> {
          res.addCookie(cookie(token).setMaxAge(sessionTtl.toSeconds()));
          return csrf;
        });
  }

  /**
   * Ends the request's session; returns its user and session key (hex SHA-256), or null when there was none.
   * Signing out is a write like any other: a live session ends only with its CSRF token (403 otherwise), so a page
   * on another site cannot sign users out.
   */
  public Future<String[]> endSession(HttpServerRequest req, HttpServerResponse res) {
    Cookie c = req.getCookie(COOKIE);
    if (c == null || c.getValue().isEmpty()) {
      res.addCookie(cookie("").setMaxAge(0));
      return Future.succeededFuture();
    }
    byte[] hash = Secrets.sha256(c.getValue());
    return db.one("SELECT csrf_token FROM session WHERE token_hash = $1 AND expires_at > now()", hash).compose(r -> {
      if (r != null && !Secrets.constantTimeEquals(req.getHeader(CSRF_HEADER), r.getString("csrf_token"))) {
        return Future.failedFuture(ApiError.forbidden("missing or wrong " + CSRF_HEADER + " header"));
      }
      res.addCookie(cookie("").setMaxAge(0));
      if (r == null) return Future.succeededFuture();
      return db.one("DELETE FROM session WHERE token_hash = $1 RETURNING user_id", hash)
          .map(d -> d == null ? null : new String[] {String.valueOf(d.getLong(0)), java.util.HexFormat.of().formatHex(hash)});
    });
  }

  private Cookie cookie(String value) {
    return Cookie.cookie(COOKIE, value).setHttpOnly(true).setSecure(secureCookie).setSameSite(CookieSameSite.LAX).setPath("/");
  }

  /** The client's address, through trusted proxies ({@link ClientAddress}). */
  public String clientIp(HttpServerRequest req) {
    return clients.of(req);
  }
}
