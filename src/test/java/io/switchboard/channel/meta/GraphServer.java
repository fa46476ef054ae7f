package io.switchboard.channel.meta;

import io.switchboard.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A stand-in for Meta's Graph API on 127.0.0.1, speaking its documented shapes: media lookups and downloads (with
 * the bearer token WhatsApp requires), user profiles, and message sends, each recorded for the test to inspect.
 */
final class GraphServer implements AutoCloseable {

  record Call(String method, String path, String query, String authorization, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static final String VERSION = "v21.0";

  final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Files served at /cdn/{name}; WhatsApp's under /cdn/wa/ need the token. */
  final Map<String, Buffer> files = new ConcurrentHashMap<>();
  /** Profiles by person id. */
  final Map<String, JsonObject> profiles = new ConcurrentHashMap<>();
  /** WhatsApp Business Account id → its templates, as GET /{waba_id}/message_templates answers. */
  final Map<String, JsonObject> templates = new ConcurrentHashMap<>();
  /** A recipient id → the Graph error a send to them gets. */
  final Map<String, JsonObject> sendErrors = new ConcurrentHashMap<>();
  final String waToken;
  private final AtomicInteger sent = new AtomicInteger();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  GraphServer(String waToken) throws Exception {
    this.waToken = waToken;
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> handle(req, body)))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest req, Buffer body) {
    String path = req.path();
    calls.add(new Call(req.method().name(), path, req.query(), req.getHeader("Authorization"), body.toString()));
    String prefix = "/" + VERSION + "/";
    if (path.startsWith("/cdn/")) {
      boolean whatsapp = path.startsWith("/cdn/wa/");
      if (whatsapp && !("Bearer " + waToken).equals(req.getHeader("Authorization"))) {
        req.response().setStatusCode(401).end();
        return;
      }
      Buffer file = files.get(path.substring(path.lastIndexOf('/') + 1));
      if (file == null) req.response().setStatusCode(404).end();
      else req.response().putHeader("Content-Type", "image/jpeg").end(file);
      return;
    }
    if (!path.startsWith(prefix)) {
      req.response().setStatusCode(404).end();
      return;
    }
    String rest = path.substring(prefix.length());
    if (req.method().name().equals("GET") && rest.startsWith("media-")) {
      if (!("Bearer " + waToken).equals(req.getHeader("Authorization"))) {
        error(req, 401, 190, "Invalid OAuth access token");
        return;
      }
      if (!files.containsKey(rest)) {
        error(req, 404, 100, "Unsupported get request: no media " + rest);
        return;
      }
      json(req, 200, new JsonObject().put("id", rest).put("mime_type", "image/jpeg").put("url", base() + "/cdn/wa/" + rest));
      return;
    }
    if (req.method().name().equals("GET") && rest.endsWith("/message_templates")) {
      JsonObject list = templates.get(rest.substring(0, rest.indexOf('/')));
      if (!("Bearer " + waToken).equals(req.getHeader("Authorization"))) error(req, 401, 190, "Invalid OAuth access token");
      else if (list == null) error(req, 400, 100, "Unsupported get request: no such business account");
      else json(req, 200, list);
      return;
    }
    if (req.method().name().equals("GET")) {
      JsonObject profile = profiles.get(rest);
      if (profile == null) error(req, 400, 100, "no such user");
      else json(req, 200, profile);
      return;
    }
    if (req.method().name().equals("POST") && rest.endsWith("/messages")) {
      JsonObject in = new JsonObject(body);
      String to = in.getString("to") != null ? in.getString("to") : in.getJsonObject("recipient", new JsonObject()).getString("id");
      JsonObject err = sendErrors.get(to);
      if (err != null) {
        JsonObject shown = err.copy();
        shown.remove("http");
        json(req, err.getInteger("http", 400), new JsonObject().put("error", shown));
        return;
      }
      int n = sent.incrementAndGet();
      if (rest.startsWith("me/")) json(req, 200, new JsonObject().put("recipient_id", to).put("message_id", "m_OUT" + n));
      else json(req, 200, new JsonObject().put("messaging_product", "whatsapp")
          .put("contacts", new JsonArray().add(new JsonObject().put("input", to).put("wa_id", to)))
          .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.OUT" + n))));
      return;
    }
    req.response().setStatusCode(404).end();
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void error(HttpServerRequest req, int status, int code, String message) {
    json(req, status, new JsonObject().put("error", new JsonObject().put("message", message).put("type", "OAuthException").put("code", code)));
  }

  List<Call> calls(Predicate<Call> match) {
    return calls.stream().filter(match).toList();
  }

  /** Waits for a call that matches. */
  Call await(Predicate<Call> match, Duration timeout) {
    List<Call> got = Eventually.value("the Graph API is called as expected", timeout.toMillis(),
        () -> List.copyOf(calls), all -> all.stream().anyMatch(match));
    return got.stream().filter(match).findFirst().orElseThrow();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
