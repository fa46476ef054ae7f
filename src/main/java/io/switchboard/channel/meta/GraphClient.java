package io.switchboard.channel.meta;

import io.switchboard.channel.MediaFetcher;
import io.switchboard.node.Node;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.Set;

/**
 * Calls to Meta's Graph API ({@code meta.graph_base}/{@code meta.graph_version}), authenticated with an endpoint's
 * {@code access_token} as a bearer token, and downloads of media through the {@link MediaFetcher}.
 */
final class GraphClient {

  /** Graph error codes that mean "slow down" or "try again" (Meta's error-code reference). */
  /** Graph's throttling codes (application, user, page, WhatsApp pair and account rate limits). */
  private static final Set<Integer> RATE_LIMITS = Set.of(4, 17, 32, 613, 80007, 130429, 131056);
  /** WhatsApp: the message cannot reach this recipient (undeliverable; not on the test number's allowed list). */
  private static final Set<Integer> UNDELIVERABLE = Set.of(131026, 131030);
  private static final Set<Integer> RETRYABLE = Set.of(1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004);

  private final Node node;
  private final String base;
  private final String version;
  private final long timeoutMs;
  private final MediaFetcher media;

  GraphClient(Node node, long maxMediaBytes) {
    this.node = node;
    this.base = node.config().meta().graphBase();
    this.version = node.config().meta().graphVersion();
    this.timeoutMs = node.config().meta().mediaTimeoutMs();
    this.media = new MediaFetcher(node.vertx(), maxMediaBytes, timeoutMs);
  }

  String url(String path) {
    return base + "/" + version + path;
  }

  /** POSTs JSON; a non-2xx answer fails with the {@link SendFailure} its Graph error maps to. */
  Future<JsonObject> post(String path, String token, JsonObject body) {
    return node.http().postAbs(url(path)).bearerTokenAuthentication(token).timeout(15_000)
        .putHeader("Content-Type", "application/json")
        .sendJsonObject(body)
        .recover(t -> Future.failedFuture(SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "unreachable", "the Graph API is not reachable: " + t.getMessage())))
        .compose(GraphClient::answer);
  }

  Future<JsonObject> get(String path, String token) {
    return node.http().getAbs(url(path)).bearerTokenAuthentication(token).timeout(timeoutMs).send()
        .recover(t -> Future.failedFuture(SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "unreachable", "the Graph API is not reachable: " + t.getMessage())))
        .compose(GraphClient::answer);
  }

  /** A GET for a connection test: the answer whatever its status, or null when none came within {@code timeoutMs}. */
  Future<HttpResponse<Buffer>> probe(String path, String token, long timeoutMs) {
    return node.http().getAbs(url(path)).bearerTokenAuthentication(token).timeout(timeoutMs).followRedirects(false).send()
        .recover(t -> Future.succeededFuture(null));
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
      return SendFailure.permanent(SendFailure.Cause.WINDOW_CLOSED, "whatsapp_window_closed", "More than 24 hours have passed since the customer last wrote: "
          + "WhatsApp only accepts an approved template message now (error 131047)");
    }
    if (code == 10 && (sub == 2018278 || sub == 2534022)) {
      return SendFailure.permanent(SendFailure.Cause.WINDOW_CLOSED, "messaging_window_closed", "This message is outside the 24-hour standard messaging window: "
          + "the customer has to write first (error 10/" + sub + ")");
    }
    if (code == 190) {
      return SendFailure.permanent(SendFailure.Cause.AUTH_REFUSED, "invalid_access_token", "The endpoint's access_token is invalid or expired: " + message);
    }
    if (status == 429 || status >= 500 || RETRYABLE.contains(code)) {
      return SendFailure.retryable(status == 429 || RATE_LIMITS.contains(code) ? SendFailure.Cause.RATE_LIMITED : SendFailure.Cause.PROVIDER_ERROR, "graph_" + (code == 0 ? status : code), message);
    }
    SendFailure.Cause cause = UNDELIVERABLE.contains(code) ? SendFailure.Cause.INVALID_RECIPIENT
        : status == 401 || status == 403 ? SendFailure.Cause.AUTH_REFUSED : SendFailure.Cause.REFUSED;
    return SendFailure.permanent(cause, "graph_" + (code == 0 ? status : code), message);
  }

  /** Downloads a file within meta.media_timeout_ms and the size limit; {@code token} (may be null) goes as a bearer token. */
  Future<MediaFetcher.Fetched> download(String url, String token) {
    return media.fetch(url, MediaFetcher.bearer(token));
  }
}
