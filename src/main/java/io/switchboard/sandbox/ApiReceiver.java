package io.switchboard.sandbox;

import io.switchboard.auth.Secrets;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The integration behind sandbox API endpoints: {@code POST /hooks/sandbox/api/callback} takes a reply's callback
 * the way a receiving system should (the endpoint's signature over timestamp and body checked, a timestamp within
 * five minutes) and answers 200 with an id; a text containing the fail marker is refused with 422, a permanent
 * failure. The API channel has no delivery reports, so once the hub has recorded the reply as {@code sent}, the
 * receiver records it {@code delivered}, as a receiving system confirming it would.
 */
final class ApiReceiver {

  private static final long MAX_SKEW_SECONDS = 300;

  private final SandboxStore store;
  private final Callbacks callbacks;

  ApiReceiver(SandboxStore store, Callbacks callbacks) {
    this.store = store;
    this.callbacks = callbacks;
  }

  void callback(RoutingContext ctx) {
    byte[] raw = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    JsonObject body;
    try {
      body = new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      answer(ctx, 400, "the body is not a JSON object");
      return;
    }
    String key = body.getString("endpoint_key");
    String timestamp = ctx.request().getHeader("X-Switchboard-Timestamp");
    String signature = ctx.request().getHeader("X-Switchboard-Signature");
    if (key == null || timestamp == null || signature == null || !timestamp.matches("\\d{1,12}")) {
      answer(ctx, 400, "endpoint_key, X-Switchboard-Timestamp and X-Switchboard-Signature are required");
      return;
    }
    if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > MAX_SKEW_SECONDS) {
      answer(ctx, 401, "the timestamp is too old");
      return;
    }
    store.endpoint("api", key).onComplete(ar -> {
      if (ar.failed()) {
        answer(ctx, 503, "the receiver could not read its endpoints");
        return;
      }
      Endpoint ep = ar.result();
      byte[] signed = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[signed.length + raw.length];
      System.arraycopy(signed, 0, all, 0, signed.length);
      System.arraycopy(raw, 0, all, signed.length, raw.length);
      if (ep == null || !Secrets.constantTimeEquals(signature, "sha256=" + Secrets.hmacSha256Hex(ep.secret("secret"), all))) {
        answer(ctx, 401, "missing or wrong X-Switchboard-Signature");
        return;
      }
      JsonObject message = body.getJsonObject("message", new JsonObject());
      if (Signing.asksToFail(message.getString("text")) || Signing.asksToFail(message.getString("html"))) {
        answer(ctx, 422, "sandbox: the reply asked to fail with " + Sandbox.FAIL_MARKER);
        return;
      }
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", "sbx_" + Secrets.token(9)).encode());
      // the signed body's delivery id (the same as X-Switchboard-Delivery, which the signature does not cover)
      String delivery = body.getValue("delivery_id") == null ? "" : String.valueOf(body.getValue("delivery_id"));
      if (delivery.matches("\\d{1,18}")) {
        long activityId = Long.parseLong(delivery);
        callbacks.until(() -> store.delivered(ep.id(), activityId, null));
      }
    });
  }

  private static void answer(RoutingContext ctx, int status, String error) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
  }
}
