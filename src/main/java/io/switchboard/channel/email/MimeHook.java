package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Addresses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /hooks/email/mime}: a provider posts a whole message, Mailgun-style: form or multipart fields
 * {@code body-mime} (or {@code message-mime}), {@code recipient}, {@code sender}, {@code timestamp}, {@code token}
 * and {@code signature} = hex HMAC-SHA256(email.webhook_signing_key, timestamp + token). A raw
 * {@code message/rfc822} body with those three in the query string works too. The signature covers no content,
 * so a token is accepted once and the timestamp must be recent. Answers as Mailgun reads them: 200 stored,
 * 406 refused for good (no recipient here, unreadable), 503 try again; a bad signature is 403 and stores nothing.
 */
final class MimeHook {

  private static final Logger log = LoggerFactory.getLogger(MimeHook.class);

  private final Node node;
  private final MailIntake intake;

  private MimeHook(Node node, MailIntake intake) {
    this.node = node;
    this.intake = intake;
  }

  static void mount(Router hooks, Node node, MailIntake intake) {
    MimeHook h = new MimeHook(node, intake);
    hooks.post("/email/mime").handler(Rest.handle(h::receive));
  }

  private Future<?> receive(RoutingContext ctx) {
    String key = node.config().email().webhookSigningKey();
    if (key.isBlank()) throw ApiError.forbidden("the MIME webhook is off: set email.webhook_signing_key");
    boolean raw = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase().startsWith("message/rfc822");
    MultiMap form = raw ? ctx.queryParams() : ctx.request().formAttributes();
    String timestamp = field(ctx, form, "timestamp");
    String token = field(ctx, form, "token");
    String signature = field(ctx, form, "signature");
    verify(ctx, key, timestamp, token, signature);
    return node.db().one("SELECT 1 FROM email_hook_token WHERE token = $1", token).compose(used -> {
      if (used != null) return Future.failedFuture(new ApiError(406, "rejected", "this token was already used", "token", 0));
      return mime(ctx, form, raw);
    }).compose(bytes -> {
      long max = node.config().smtp().maxMessageBytes();
      if (bytes.length > max) return Future.failedFuture(ApiError.tooLarge("the message is larger than " + max + " bytes"));
      List<String> recipients = list(form.get("recipient"));
      String sender = form.get("sender");
      return intake.prepare(bytes, 0).compose(p -> intake.resolveAll(recipients.isEmpty() ? p.mail().recipientAddresses() : recipients)
          .compose(targets -> {
            if (targets.isEmpty()) {
              return Future.failedFuture(new MailIntake.Rejected(550, "no recipient of this message is an email endpoint here"));
            }
            JsonObject details = new JsonObject().put("source", "webhook").put("envelope", new JsonObject()
                .put("mail_from", sender).put("rcpt_to", new JsonArray(new ArrayList<Object>(recipients))));
            return intake.deliver(p, targets, details, Addresses.normalEmail(sender));
          }));
    }).compose(stored -> node.db().query("INSERT INTO email_hook_token (token) VALUES ($1) ON CONFLICT DO NOTHING", token)
        .map(v -> {
          JsonArray items = new JsonArray();
          stored.forEach(r -> items.add(new JsonObject().put("inbox_id", r.inboxId()).put("conversation_id", r.conversationId())
              .put("activity_id", r.activityId()).put("duplicate", r.duplicate())));
          return new JsonObject().put("stored", items);
        }))
        .recover(t -> Future.failedFuture(t instanceof MailIntake.Rejected r
            ? new ApiError(406, "rejected", r.getMessage().replaceFirst("^\\d\\.\\d\\.\\d ", ""), null, 0) : t));
  }

  private void verify(RoutingContext ctx, String key, String timestamp, String token, String signature) {
    try {
      check(key, timestamp, token, signature);
    } catch (ApiError e) {
      log.info("MIME webhook from {} refused: {}", ctx.request().remoteAddress(), e.getMessage());
      throw e;
    }
  }

  private void check(String key, String timestamp, String token, String signature) {
    if (timestamp == null || token == null || signature == null) {
      throw ApiError.forbidden("timestamp, token and signature are required");
    }
    if (token.length() > 200 || signature.length() > 200 || timestamp.length() > 20) throw ApiError.forbidden("bad signature");
    String expected = Secrets.hmacSha256Hex(key, (timestamp + token).getBytes(StandardCharsets.UTF_8));
    if (!Secrets.constantTimeEquals(expected, signature.trim().toLowerCase())) throw ApiError.forbidden("bad signature");
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw ApiError.forbidden("bad timestamp");
    }
    if (Math.abs(Instant.now().getEpochSecond() - ts) > node.config().email().webhookMaxAgeSeconds()) {
      throw ApiError.forbidden("the timestamp is too old (or in the future): check the clocks");
    }
  }

  /** The message bytes: a raw body, a form field, or an uploaded file part. */
  private Future<byte[]> mime(RoutingContext ctx, MultiMap form, boolean raw) {
    if (raw) {
      if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
        return Future.failedFuture(ApiError.validation(null, "the message body is empty"));
      }
      return Future.succeededFuture(ctx.body().buffer().getBytes());
    }
    for (String name : new String[] {"body-mime", "message-mime"}) {
      String v = form.get(name);
      if (v != null && !v.isEmpty()) return Future.succeededFuture(v.getBytes(StandardCharsets.UTF_8));
    }
    for (FileUpload f : ctx.fileUploads()) {
      if (f.name().equals("body-mime") || f.name().equals("message-mime")) {
        return node.vertx().fileSystem().readFile(f.uploadedFileName()).map(b -> b.getBytes());
      }
    }
    return Future.failedFuture(ApiError.validation("body-mime", "body-mime (the raw message) is required"));
  }

  private static String field(RoutingContext ctx, MultiMap form, String name) {
    String v = form.get(name);
    return v != null ? v : ctx.queryParams().get(name);
  }

  private static List<String> list(String v) {
    if (v == null || v.isBlank()) return List.of();
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).limit(100).toList();
  }
}
