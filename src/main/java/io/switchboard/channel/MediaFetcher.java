package io.switchboard.channel;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Fetches files a provider holds (MMS media, call recordings, WhatsApp and Messenger media) with the provider's
 * credentials, a size limit and one overall timeout, the one way every channel downloads media. Redirects are
 * followed by hand so that the credentials only ever go to the host that was named: Twilio's media URLs redirect to
 * a storage host that must not see them.
 */
public final class MediaFetcher {

  /** A fetched file; {@code contentType} without parameters, lower case, or null. */
  public record Fetched(Buffer bytes, String contentType) {
  }

  /** Why a file could not be fetched, in words an agent can read. */
  public static final class FetchFailed extends RuntimeException {
    FetchFailed(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_REDIRECTS = 5;

  private final Vertx vertx;
  private final HttpClient client;
  private final long maxBytes;
  private final long timeoutMs;

  public MediaFetcher(Vertx vertx, long maxBytes, long timeoutMs) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(timeoutMs, 10_000)));
    this.maxBytes = maxBytes;
    this.timeoutMs = timeoutMs;
  }

  /** HTTP basic credentials; null when either part is missing. */
  public static String basic(String user, String password) {
    return user == null || password == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A bearer token's header value; null without a token. */
  public static String bearer(String token) {
    return token == null ? null : "Bearer " + token;
  }

  /** Fetches {@code url}, sending {@code authorization} (may be null) to its host only. */
  public Future<Fetched> fetch(String url, String authorization) {
    Promise<Fetched> p = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> p.tryFail(new FetchFailed("no answer within " + timeoutMs + " ms")));
    p.future().onComplete(ar -> vertx.cancelTimer(timer));
    URI first;
    try {
      first = URI.create(url);
    } catch (IllegalArgumentException e) {
      p.tryFail(new FetchFailed("not a URL: " + url));
      return p.future();
    }
    get(first, first.getHost(), authorization, MAX_REDIRECTS, p);
    return p.future();
  }

  private void get(URI url, String authHost, String authorization, int redirectsLeft, Promise<Fetched> p) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https")) || url.getHost() == null) {
      p.tryFail(new FetchFailed("not an http(s) URL: " + url));
      return;
    }
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString()).setFollowRedirects(false)
        .putHeader("User-Agent", "Switchboard");
    if (authorization != null && url.getHost().equalsIgnoreCase(authHost)) o.putHeader("Authorization", authorization);
    client.request(o).onFailure(t -> p.tryFail(new FetchFailed("not reachable: " + t.getMessage()))).onSuccess(req -> {
      // a timeout or an oversized body abandons the transfer
      p.future().onFailure(t -> req.reset());
      req.send().onFailure(t -> p.tryFail(new FetchFailed("not reachable: " + t.getMessage()))).onSuccess(resp -> {
        int status = resp.statusCode();
        String location = resp.getHeader("Location");
        if (status / 100 == 3 && location != null) {
          resp.handler(b -> { });
          if (redirectsLeft == 0) {
            p.tryFail(new FetchFailed("too many redirects"));
            return;
          }
          get(url.resolve(location), authHost, authorization, redirectsLeft - 1, p);
          return;
        }
        if (status != 200) {
          resp.handler(b -> { });
          p.tryFail(new FetchFailed("the provider answered HTTP " + status));
          return;
        }
        String length = resp.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
          p.tryFail(new FetchFailed("larger than the limit of " + maxBytes + " bytes"));
          return;
        }
        String type = resp.getHeader("Content-Type");
        Buffer bytes = Buffer.buffer();
        resp.handler(b -> {
          if (bytes.length() + b.length() > maxBytes) p.tryFail(new FetchFailed("larger than the limit of " + maxBytes + " bytes"));
          else bytes.appendBuffer(b);
        });
        resp.exceptionHandler(t -> p.tryFail(new FetchFailed("the transfer broke off: " + t.getMessage())));
        resp.endHandler(v -> p.tryComplete(new Fetched(bytes, type == null ? null : type.split(";")[0].trim().toLowerCase(Locale.ROOT))));
      });
    });
  }
}
