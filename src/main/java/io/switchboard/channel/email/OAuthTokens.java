package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.inbox.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * XOAUTH2 access tokens for a connected mailbox (Gmail, Microsoft 365) from the endpoint's {@code oauth2} block:
 * {@code token_url}, {@code client_id}, optional {@code scope}, and the secrets {@code client_secret} and
 * {@code refresh_token}. Access tokens live about an hour, so each is kept until a minute before it expires and then
 * refreshed with the refresh token (RFC 6749 section 6); a server that rejects a token makes the next use refresh.
 * A provider that rotates refresh tokens has the new one stored on the endpoint.
 */
final class OAuthTokens {

  private static final Logger log = LoggerFactory.getLogger(OAuthTokens.class);
  private static final long MARGIN_NANOS = 60_000_000_000L;

  /** Thrown when the provider refuses the refresh: the reason is shown as the mailbox's status and a send's error. */
  static final class Refused extends RuntimeException {
    final boolean permanent;

    Refused(String message, boolean permanent) {
      super(message);
      this.permanent = permanent;
    }
  }

  /** {@code latest}: the refresh token to use next; {@code origin}: the configured one the chain started from. */
  private record Cached(String accessToken, long expiresAt, String latest, String origin) {
  }

  private final Node node;
  private final Map<Long, Cached> cache = new ConcurrentHashMap<>();
  private final Map<Long, Future<String>> inFlight = new ConcurrentHashMap<>();

  OAuthTokens(Node node) {
    this.node = node;
  }

  /** True when the endpoint's mail accounts sign in with tokens from its {@code oauth2} block. */
  static boolean configured(Endpoint ep) {
    String url = ep.setting("oauth2.token_url");
    return url != null && !url.isBlank();
  }

  /** A valid access token for the endpoint; one refresh at a time per endpoint, whoever asks. */
  Future<String> token(Endpoint ep) {
    Cached c = cache.get(ep.id());
    String configured = ep.secret("oauth2.refresh_token");
    if (c != null && !c.latest.equals(configured) && !c.origin.equals(configured)) {
      c = null; // someone connected the mailbox anew: start from the new grant
      cache.remove(ep.id());
    }
    if (c != null && c.expiresAt - System.nanoTime() > MARGIN_NANOS) return Future.succeededFuture(c.accessToken);
    Promise<String> mine = Promise.promise();
    Future<String> running = inFlight.putIfAbsent(ep.id(), mine.future());
    if (running != null) return running;
    Future<String> refreshed;
    try {
      refreshed = refresh(ep, c);
    } catch (RuntimeException e) {
      refreshed = Future.failedFuture(e);
    }
    refreshed.onComplete(ar -> {
      inFlight.remove(ep.id(), mine.future());
      mine.handle(ar);
    });
    return mine.future();
  }

  /** The server refused the token it was given: the next use asks for a new one. */
  void rejected(Endpoint ep) {
    cache.computeIfPresent(ep.id(), (id, c) -> new Cached(c.accessToken, 0, c.latest, c.origin));
  }

  private Future<String> refresh(Endpoint ep, Cached previous) {
    String url = ep.setting("oauth2.token_url");
    String refreshToken = previous != null ? previous.latest : ep.secret("oauth2.refresh_token");
    String origin = previous != null ? previous.origin : refreshToken;
    if (refreshToken == null) {
      return Future.failedFuture(new Refused("no oauth2.refresh_token is stored: connect the mailbox again", true));
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "refresh_token")
        .add("refresh_token", refreshToken)
        .add("client_id", String.valueOf(ep.setting("oauth2.client_id")));
    if (ep.secret("oauth2.client_secret") != null) form.add("client_secret", ep.secret("oauth2.client_secret"));
    if (ep.setting("oauth2.scope") != null) form.add("scope", ep.setting("oauth2.scope"));
    long asked = System.nanoTime();
    return node.http().postAbs(url).timeout(15_000).sendForm(form)
        .recover(t -> Future.failedFuture(new Refused("the OAuth2 token endpoint could not be reached: " + t.getMessage(), false)))
        .compose(res -> {
          JsonObject body;
          try {
            body = res.bodyAsJsonObject();
          } catch (RuntimeException e) {
            body = null;
          }
          String token = body == null ? null : body.getString("access_token");
          if (res.statusCode() != 200 || token == null || token.isBlank()) {
            String error = body == null ? "HTTP " + res.statusCode()
                : body.getString("error", "HTTP " + res.statusCode())
                + (body.getString("error_description") == null ? "" : " (" + body.getString("error_description") + ")");
            // 400/401 (invalid_grant, invalid_client) stay wrong until someone reconnects the mailbox
            boolean permanent = res.statusCode() == 400 || res.statusCode() == 401;
            return Future.failedFuture(new Refused("the OAuth2 token refresh was refused: " + error, permanent));
          }
          long seconds = body.getValue("expires_in") instanceof Number n ? n.longValue() : 3600;
          String next = body.getString("refresh_token");
          cache.put(ep.id(), new Cached(token, asked + seconds * 1_000_000_000L, next != null ? next : refreshToken, origin));
          if (next == null || next.equals(refreshToken)) return Future.succeededFuture(token);
          // a rotated refresh token replaces the old one, which the provider may soon stop accepting
          return node.db().tx(conn -> Db.one(conn, "SELECT secrets FROM endpoint WHERE id = $1 FOR UPDATE", ep.id())
                  .compose(r -> {
                    JsonObject secrets = r == null ? null : SecretBox.open(r.getJsonObject("secrets"));
                    if (secrets == null || secrets.getJsonObject("oauth2") == null) return Future.succeededFuture();
                    String stored = secrets.getJsonObject("oauth2").getString("refresh_token");
                    // only the grant this chain came from is replaced (a connection test may try another one)
                    if (!refreshToken.equals(stored) && !origin.equals(stored)) return Future.succeededFuture();
                    secrets.getJsonObject("oauth2").put("refresh_token", next);
                    return Db.query(conn, "UPDATE endpoint SET secrets = $2 WHERE id = $1", ep.id(), SecretBox.seal(secrets));
                  }))
              .onFailure(t -> log.warn("endpoint {}: could not store the rotated refresh token: {}", ep.id(), t.toString()))
              .map(token)
              .otherwise(token);
        });
  }
}
