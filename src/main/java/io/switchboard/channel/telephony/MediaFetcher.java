package io.switchboard.channel.telephony;

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
 * Fetches files the provider holds (MMS media, call recordings) with the account's HTTP basic auth, a size limit
 * and one overall timeout. Redirects are followed by hand so that the credentials only ever go to the host that was
 * named: Twilio's media URLs redirect to a storage host that must not see them.
 */
final class MediaFetcher {

  record Fetched(Buffer bytes, String contentType) {
  }

  /** Why a file could not be fetched, in words an agent can read. */
  static final class FetchFailed extends RuntimeException {
    FetchFailed(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_REDIRECTS = 5;

  private final Vertx vertx;
  private final HttpClient client;
  private final long maxBytes;
  private final long timeoutMs;

  MediaFetcher(Vertx vertx, long maxBytes, long timeoutMs) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(timeoutMs, 10_000)));
    this.maxBytes = maxBytes;
    this.timeoutMs = timeoutMs;
  }

  Future<Fetched> fetch(String url, String user, String password) {
    Promise<Fetched> p = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> p.tryFail(new FetchFailed("no answer within " + timeoutMs + " ms")));
    p.future().onComplete(ar -> vertx.cancelTimer(timer));
    String basic = user == null || password == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    URI first;
    try {
      first = URI.create(url);
    } catch (IllegalArgumentException e) {
      p.tryFail(new FetchFailed("not a URL: " + url));
      return p.future();
    }
    get(first, first.getHost(), basic, MAX_REDIRECTS, p);
    return p.future();
  }

  private void get(URI url, String authHost, String basic, int redirectsLeft, Promise<Fetched> p) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https")) || url.getHost() == null) {
      p.tryFail(new FetchFailed("not an http(s) URL: " + url));
      return;
    }
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString()).setFollowRedirects(false)
        .putHeader("User-Agent", "Switchboard");
    if (basic != null && url.getHost().equalsIgnoreCase(authHost)) o.putHeader("Authorization", basic);
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
          get(url.resolve(location), authHost, basic, redirectsLeft - 1, p);
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
