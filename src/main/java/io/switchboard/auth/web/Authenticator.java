package io.switchboard.auth.web;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Roles;
import io.switchboard.auth.Secrets;
import io.switchboard.auth.Sessions;
import io.switchboard.auth.Tokens;
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

import java.time.Duration;

/**
 * Who is calling: a session cookie (browsers; writes must carry the session's CSRF token) or a bearer token
 * (integrations; no cookie, so no CSRF). Deactivated users and expired sessions authenticate as nobody.
 */
public final class Authenticator {

  private static final String ACTOR = "actor";

  public static final String COOKIE = "sb_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private final Sessions sessions;
  private final Tokens tokens;
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
    this.sessions = new Sessions(db, roles, sessionTtl);
    this.tokens = new Tokens(db, roles);
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
    if (token != null) return tokens.actor(token);
    Cookie c = req.getCookie(COOKIE);
    if (c != null && !c.getValue().isEmpty()) return sessions.actor(c.getValue());
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
    return credentialKey(req, actor, false);
  }

  /** The same, for a request that may carry its token as {@code ?access_token=} (a live socket's upgrade). */
  public static byte[] credentialKey(HttpServerRequest req, Actor actor, boolean allowQueryToken) {
    if (actor.viaToken()) return Secrets.sha256(bearer(req, allowQueryToken));
    return Secrets.sha256(req.getCookie(COOKIE).getValue());
  }

  /** Starts a session for a user who proved their password; returns the CSRF token. */
  public Future<String> startSession(long userId, long workspaceId, HttpServerRequest req, HttpServerResponse res) {
    return sessions.start(userId, workspaceId, clientIp(req), req.getHeader("User-Agent")).map(started -> {
      res.addCookie(cookie(started.token()).setMaxAge(sessionTtl.toSeconds()));
      return started.csrfToken();
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
    // csrf is null when the session is no longer live
    return sessions.csrfToken(c.getValue()).compose(csrf -> {
      if (csrf != null && !Secrets.constantTimeEquals(req.getHeader(CSRF_HEADER), csrf)) {
        return Future.failedFuture(ApiError.forbidden("missing or wrong " + CSRF_HEADER + " header"));
      }
      res.addCookie(cookie("").setMaxAge(0));
      if (csrf == null) return Future.succeededFuture();
      return sessions.end(c.getValue())
          .map(ended -> ended == null ? null : new String[] {String.valueOf(ended.userId()), ended.key()});
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
