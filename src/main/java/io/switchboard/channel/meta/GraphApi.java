package io.switchboard.channel.meta;

import io.switchboard.Hub;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.Set;

/**
 * Calls to Meta's Graph API ({@code meta.graph_base}/{@code meta.graph_version}), authenticated with an endpoint's
 * {@code access_token} as a bearer token, and downloads of media with a size limit.
 */
final class GraphApi {

  /** A downloaded file. */
  record Media(Buffer bytes, String contentType) {
  }

  /** Graph error codes that mean "slow down" or "try again" (Meta's error-code reference). */
  private static final Set<Integer> RETRYABLE = Set.of(1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004);

  private final Hub hub;
  private final String base;
  private final String version;
  private final long timeoutMs;
  private final HttpClient downloads;

  GraphApi(Hub hub) {
    this.hub = hub;
    String b = hub.config.string("meta.graph_base");
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.version = hub.config.string("meta.graph_version");
    this.timeoutMs = hub.config.longValue("meta.media_timeout_ms");
    this.downloads = hub.vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
  }

  String url(String path) {
    return base + "/" + version + path;
  }

  /** POSTs JSON; a non-2xx answer fails with the {@link SendFailure} its Graph error maps to. */
  Future<JsonObject> post(String path, String token, JsonObject body) {
    return hub.http.postAbs(url(path)).bearerTokenAuthentication(token).timeout(15_000)
        .putHeader("Content-Type", "application/json")
        .sendJsonObject(body)
        .recover(t -> Future.failedFuture(SendFailure.retryable("unreachable", "the Graph API is not reachable: " + t.getMessage())))
        .compose(GraphApi::answer);
  }

  Future<JsonObject> get(String path, String token) {
    return hub.http.getAbs(url(path)).bearerTokenAuthentication(token).timeout(timeoutMs).send()
        .recover(t -> Future.failedFuture(SendFailure.retryable("unreachable", "the Graph API is not reachable: " + t.getMessage())))
        .compose(GraphApi::answer);
  }

  private static Future<JsonObject> answer(HttpResponse<Buffer> res) {
    JsonObject json;
    try {
      json = res.body() == null || res.body().length() == 0 ? new JsonObject() : res.bodyAsJsonObject();
    } catch (RuntimeException e) {
      json = new JsonObject();
    }
    if (res.statusCode() / 100 == 2 && json.getValue("error") == null) return Future.succeededFuture(json);
    return Future.failedFuture(failure(res.statusCode(), json.getJsonObject("error", new JsonObject())));
  }

  /**
   * Maps a Graph error to what the agent reads and whether a retry may help. The window errors (WhatsApp 131047,
   * Messenger 10/2018278, Instagram 10/2534022) say that a template or tagged message is needed.
   */
  static SendFailure failure(int status, JsonObject error) {
    int code = error.getInteger("code", 0);
    int sub = error.getInteger("error_subcode", 0);
    String message = error.getString("message", "the Graph API answered " + status);
    JsonObject data = error.getJsonObject("error_data");
    if (data != null && data.getString("details") != null) message = message + " (" + data.getString("details") + ")";
    if (code == 131047) {
      return SendFailure.permanent("whatsapp_window_closed", "More than 24 hours have passed since the customer last wrote: "
          + "WhatsApp only accepts an approved template message now (error 131047)");
    }
    if (code == 10 && (sub == 2018278 || sub == 2534022)) {
      return SendFailure.permanent("messaging_window_closed", "This message is outside the 24-hour standard messaging window: "
          + "the customer has to write first (error 10/" + sub + ")");
    }
    if (code == 190) {
      return SendFailure.permanent("invalid_access_token", "The endpoint's access_token is invalid or expired: " + message);
    }
    if (status == 429 || status >= 500 || RETRYABLE.contains(code)) {
      return SendFailure.retryable("graph_" + (code == 0 ? status : code), message);
    }
    return SendFailure.permanent("graph_" + (code == 0 ? status : code), message);
  }

  /**
   * Downloads a file, refusing more than {@code maxBytes} without reading it all; {@code token} (may be null) is
   * sent as a bearer token (WhatsApp media URLs need it).
   */
  Future<Media> download(String url, String token, long maxBytes) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
        .setTimeout(timeoutMs).setFollowRedirects(token == null);
    if (token != null) options.putHeader("Authorization", "Bearer " + token);
    return downloads.request(options).compose(req -> req.send().compose(res -> {
      if (res.statusCode() / 100 != 2) {
        res.end();
        return Future.failedFuture(new IllegalStateException("the media URL answered " + res.statusCode()));
      }
      String length = res.getHeader("Content-Length");
      if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
        req.reset();
        return Future.failedFuture(new IllegalStateException("the file is larger than " + maxBytes + " bytes"));
      }
      Promise<Media> done = Promise.promise();
      Buffer body = Buffer.buffer();
      res.handler(chunk -> {
        if (body.length() + chunk.length() > maxBytes) {
          req.reset();
          done.tryFail(new IllegalStateException("the file is larger than " + maxBytes + " bytes"));
          return;
        }
        body.appendBuffer(chunk);
      });
      res.exceptionHandler(done::tryFail);
      res.endHandler(v -> done.tryComplete(new Media(body, res.getHeader("Content-Type"))));
      return done.future();
    }));
  }
}
