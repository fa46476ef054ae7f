package io.switchboard.channel.meta;

import io.switchboard.node.Node;
import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.SendFailure;
import io.switchboard.outbound.SendResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies on WhatsApp ({@code POST /{phone_number_id}/messages}), Messenger and Instagram ({@code POST /me/messages},
 * {@code messaging_type: RESPONSE}) through the Graph API, with the endpoint's {@code access_token}. Files go by
 * link: a signed, expiring URL under {@code http.public_url} that Meta fetches. The provider's message id is kept
 * so delivery reports find the reply.
 *
 * <p>All three allow free-form replies only within 24 hours of the person's last message; {@link #check} refuses
 * earlier, with the reason, so the agent is not left with a reply that fails later. On WhatsApp an approved template
 * message (activity data {@code template}) may be sent at any time.
 */
final class MetaSender implements ChannelSender {

  static final Duration WINDOW = Duration.ofHours(24);

  private final Node node;
  private final GraphClient graph;
  private final String channel;
  private final int maxText;

  MetaSender(Node node, GraphClient graph, String channel) {
    this.node = node;
    this.graph = graph;
    this.channel = channel;
    this.maxText = channel.equals("whatsapp") ? 4096 : channel.equals("instagram") ? 1000 : 2000;
  }

  @Override
  public Future<Void> check(Outgoing m) {
    if (m.from().secret("access_token") == null) {
      return Future.failedFuture(ApiError.conflict("from_endpoint_id",
          "the " + label() + " endpoint " + m.from().address() + " has no access_token setting; an admin must add one before replies can be sent"));
    }
    // an approved template may be sent at any time: that is how a business writes first, or again after 24 hours
    if (template(m) != null) return Future.succeededFuture();
    if (m.text() != null && m.text().length() > maxText) {
      return Future.failedFuture(ApiError.validation("text", label() + " messages are limited to " + maxText + " characters"));
    }
    return Db.one(node.db().pool(), "SELECT last_incoming_at FROM conversation WHERE id = $1", m.conversationId()).compose(r -> {
      OffsetDateTime last = r == null ? null : r.getOffsetDateTime("last_incoming_at");
      if (last != null && last.plus(WINDOW).isAfter(OffsetDateTime.now())) return Future.succeededFuture();
      String since = last == null ? "the customer has not written on " + label() + " yet"
          : "the customer last wrote at " + Times.iso(last);
      String what = channel.equals("whatsapp")
          ? "WhatsApp only allows free-form replies within 24 hours of the customer's last message (" + since
              + "). Send an approved WhatsApp template message to start the conversation again."
          : label() + " only allows replies within 24 hours of the person's last message (" + since
              + "). They have to write to you first (a message tag would be needed otherwise).";
      return Future.failedFuture(ApiError.conflict("text", what));
    });
  }

  private String label() {
    return switch (channel) {
      case "whatsapp" -> "WhatsApp";
      case "instagram" -> "Instagram";
      default -> "Messenger";
    };
  }

  @Override
  public Future<SendResult> send(Outgoing m) {
    String token = m.from().secret("access_token");
    if (token == null) return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.NOT_CONFIGURED, "no_access_token", "the endpoint has no access_token setting"));
    List<JsonObject> parts;
    try {
      parts = template(m) != null && channel.equals("whatsapp") ? List.of(templateMessage(m, template(m)))
          : channel.equals("whatsapp") ? whatsapp(m) : messaging(m);
    } catch (SendFailure f) {
      return Future.failedFuture(f);
    }
    if (parts.isEmpty()) return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.ATTACHMENT, "empty", "nothing to send: no text and no stored files"));
    String path = channel.equals("whatsapp") ? "/" + m.from().address() + "/messages" : "/me/messages";
    List<String> ids = new ArrayList<>();
    JsonArray partErrors = new JsonArray();
    Future<Void> f = Future.succeededFuture();
    for (JsonObject part : parts) {
      f = f.compose(v -> graph.post(path, token, part).transform(ar -> {
        if (ar.succeeded()) {
          String id = providerId(ar.result());
          if (id != null) ids.add(id);
          return Future.succeededFuture();
        }
        // once one part went out, a retry would send it twice: report the rest on the activity instead
        if (ids.isEmpty()) return Future.failedFuture(ar.cause());
        partErrors.add(ar.cause().getMessage());
        return Future.succeededFuture();
      }));
    }
    return f.map(v -> {
      JsonObject data = new JsonObject();
      if (ids.size() > 1) data.put("provider_ids", new JsonArray(ids));
      if (!partErrors.isEmpty()) data.put("part_errors", partErrors);
      return new SendResult(ids.isEmpty() ? null : ids.get(0), "sent", data);
    });
  }

  private static String providerId(JsonObject answer) {
    if (answer.getValue("messages") instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof JsonObject first) {
      return first.getString("id");
    }
    return answer.getString("message_id");
  }

  /** WhatsApp: the text, and each file as its own message by link (the first image, video or document carries the text). */
  private List<JsonObject> whatsapp(Outgoing m) {
    List<JsonObject> parts = new ArrayList<>();
    String text = m.text() == null || m.text().isBlank() ? null : m.text();
    List<Outgoing.File> files = m.attachments().stream().filter(f -> f.path() != null).toList();
    boolean captioned = text != null && !files.isEmpty() && captionable(kind(files.get(0).contentType()));
    if (text != null && !captioned) {
      parts.add(base(m).put("type", "text").put("text", new JsonObject().put("body", text).put("preview_url", false)));
    }
    for (int i = 0; i < files.size(); i++) {
      Outgoing.File file = files.get(i);
      String kind = kind(file.contentType());
      JsonObject media = new JsonObject().put("link", link(file));
      if (i == 0 && captioned) media.put("caption", text);
      if (kind.equals("document")) media.put("filename", file.filename());
      parts.add(base(m).put("type", kind).put(kind, media));
    }
    return parts;
  }

  private static JsonObject template(Outgoing m) {
    return m.data() == null ? null : m.data().getJsonObject("template");
  }

  /** An approved template, its body's {{1}}, {{2}}… filled in order (the Cloud API's template message). */
  private static JsonObject templateMessage(Outgoing m, JsonObject t) {
    JsonObject template = new JsonObject().put("name", t.getString("name"))
        .put("language", new JsonObject().put("code", t.getString("language")));
    JsonArray values = t.getJsonArray("parameters", new JsonArray());
    if (!values.isEmpty()) {
      JsonArray parameters = new JsonArray();
      values.forEach(v -> parameters.add(new JsonObject().put("type", "text").put("text", String.valueOf(v))));
      template.put("components", new JsonArray().add(new JsonObject().put("type", "body").put("parameters", parameters)));
    }
    return base(m).put("type", "template").put("template", template);
  }

  private static JsonObject base(Outgoing m) {
    return new JsonObject().put("messaging_product", "whatsapp").put("recipient_type", "individual").put("to", m.to());
  }

  /** Messenger and Instagram: one message for the text, one per file. */
  private List<JsonObject> messaging(Outgoing m) {
    List<JsonObject> parts = new ArrayList<>();
    JsonObject recipient = new JsonObject().put("id", m.to());
    if (m.text() != null && !m.text().isBlank()) {
      parts.add(new JsonObject().put("recipient", recipient).put("messaging_type", "RESPONSE")
          .put("message", new JsonObject().put("text", m.text())));
    }
    for (Outgoing.File file : m.attachments()) {
      if (file.path() == null) continue;
      String kind = kind(file.contentType());
      String type = kind.equals("document") || kind.equals("sticker") ? "file" : kind;
      parts.add(new JsonObject().put("recipient", recipient).put("messaging_type", "RESPONSE")
          .put("message", new JsonObject().put("attachment", new JsonObject().put("type", type)
              .put("payload", new JsonObject().put("url", link(file)).put("is_reusable", false)))));
    }
    return parts;
  }

  private static String kind(String contentType) {
    String t = contentType == null ? "" : contentType.toLowerCase();
    if (t.equals("image/jpeg") || t.equals("image/png")) return "image";
    if (t.startsWith("video/")) return "video";
    if (t.startsWith("audio/")) return "audio";
    return "document";
  }

  private static boolean captionable(String kind) {
    return kind.equals("image") || kind.equals("video") || kind.equals("document");
  }

  private String link(Outgoing.File file) {
    String secret = node.config().meta().appSecret();
    if (secret.isEmpty()) {
      throw SendFailure.permanent(SendFailure.Cause.NOT_CONFIGURED, "no_app_secret", "files are sent by signed link, which needs meta.app_secret to be set");
    }
    return MetaChannel.fileLink(node.config().http().publicUrl(), secret, file.id());
  }
}
