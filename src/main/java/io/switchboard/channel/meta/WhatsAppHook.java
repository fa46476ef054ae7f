package io.switchboard.channel.meta;

import io.switchboard.channel.MediaFetcher;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code object: whatsapp_business_account}: {@code entry[].changes[]} with {@code field: messages}, whose
 * {@code value} names our endpoint ({@code metadata.phone_number_id}) and holds {@code contacts} (profile names),
 * {@code messages} and/or {@code statuses} (WhatsApp Cloud API webhook reference).
 */
final class WhatsAppHook extends MetaInbound {

  private static final List<String> MEDIA = List.of("image", "audio", "video", "document", "sticker");

  WhatsAppHook(Node node, GraphClient graph, EndpointCache endpoints, Ingest ingest) {
    super(node, graph, endpoints, ingest);
  }

  Future<Void> entry(JsonObject entry, Tally tally) {
    JsonArray changes = entry.getJsonArray("changes");
    if (changes == null) {
      skip(tally, "a whatsapp_business_account entry without changes");
      return Future.succeededFuture();
    }
    List<Supplier<Future<Void>>> steps = new ArrayList<>();
    for (Object c : changes) {
      if (!(c instanceof JsonObject change) || !(change.getValue("value") instanceof JsonObject value)) {
        skip(tally, "a change without a value");
        continue;
      }
      if (!"messages".equals(change.getString("field"))) {
        skip(tally, "a change of field " + change.getValue("field") + " (only messages are handled)");
        continue;
      }
      steps.add(() -> value(value, tally));
    }
    return inOrder(steps);
  }

  private Future<Void> value(JsonObject value, Tally tally) {
    JsonObject meta = value.getValue("metadata") instanceof JsonObject m ? m : null;
    String phoneNumberId = meta == null ? null : meta.getString("phone_number_id");
    if (phoneNumberId == null) {
      skip(tally, "a messages change without metadata.phone_number_id");
      return Future.succeededFuture();
    }
    return guard(endpoint("whatsapp", phoneNumberId).compose(ep -> {
      Map<String, String> names = new HashMap<>();
      if (value.getValue("contacts") instanceof JsonArray contacts) {
        for (Object o : contacts) {
          if (o instanceof JsonObject c && c.getString("wa_id") != null && c.getValue("profile") instanceof JsonObject p) {
            names.put(c.getString("wa_id"), p.getString("name"));
          }
        }
      }
      List<Supplier<Future<Void>>> steps = new ArrayList<>();
      if (value.getValue("messages") instanceof JsonArray messages) {
        for (Object o : messages) {
          if (o instanceof JsonObject m) steps.add(() -> guard(message(ep, m, names, tally), tally, "whatsapp message " + m.getValue("id")));
        }
      }
      if (value.getValue("statuses") instanceof JsonArray list) {
        for (Object o : list) {
          if (o instanceof JsonObject s) steps.add(() -> guard(status(ep, s, tally), tally, "whatsapp status " + s.getValue("id")));
        }
      }
      if (steps.isEmpty()) skip(tally, "a messages change with neither messages nor statuses");
      return inOrder(steps);
    }), tally, "whatsapp number " + phoneNumberId);
  }

  private Future<Void> message(Endpoint ep, JsonObject m, Map<String, String> names, Tally tally) {
    String id = m.getString("id");
    String from = m.getString("from");
    String type = m.getString("type");
    if (id == null || from == null || type == null || !from.matches("\\d{3,20}")) {
      skip(tally, "a whatsapp message without id, from or type");
      return Future.succeededFuture();
    }
    JsonObject data = new JsonObject().put("type", type);
    if (m.getValue("context") instanceof JsonObject ctx) data.put("reply_to", ctx.getString("id"));
    InboundMessage.Builder b = InboundMessage.builder("whatsapp", ep.address(), from)
        .senderName(names.get(from)).providerId(id).sentAt(Statuses.epochSeconds(m.getString("timestamp")));
    List<MediaRef> media = new ArrayList<>();
    JsonObject body = m.getValue(type) instanceof JsonObject o ? o : new JsonObject();
    if (type.equals("text")) {
      b.text(body.getString("body"));
    } else if (MEDIA.contains(type)) {
      String mediaId = body.getString("id");
      if (mediaId == null) {
        skip(tally, "a whatsapp " + type + " without a media id");
        return Future.succeededFuture();
      }
      String mime = body.getString("mime_type");
      b.text(body.getString("caption"));
      data.put("media_id", mediaId);
      media.add(new MediaRef(body.getString("filename"), type, mime, () -> fetch(ep, mediaId), null));
    } else {
      b.text(describe(type, body, data));
    }
    return store(ep, b.data(data), id, media, tally);
  }

  /** Text for the kinds of message that are not plain text or a file; the details stay in the activity's data. */
  private static String describe(String type, JsonObject body, JsonObject data) {
    switch (type) {
      case "location" -> {
        data.put("location", body);
        String place = String.join(", ", java.util.stream.Stream.of(body.getString("name"), body.getString("address"))
            .filter(s -> s != null && !s.isBlank()).toList());
        return "Location: " + (place.isEmpty() ? "" : place + " ") + "(" + body.getValue("latitude") + ", " + body.getValue("longitude") + ")";
      }
      case "button" -> {
        return body.getString("text");
      }
      case "interactive" -> {
        data.put("interactive", body);
        JsonObject reply = body.getJsonObject("button_reply", body.getJsonObject("list_reply"));
        return reply == null ? "(interactive reply)" : reply.getString("title");
      }
      case "reaction" -> {
        data.put("reaction", body);
        String emoji = body.getString("emoji");
        return emoji == null || emoji.isEmpty() ? "(removed a reaction)" : "Reacted " + emoji;
      }
      case "contacts" -> {
        data.put("contacts", body);
        return "Shared a contact";
      }
      default -> {
        data.put("unsupported", true);
        return "(a WhatsApp message of type \"" + type + "\" that Switchboard cannot show)";
      }
    }
  }

  /** WhatsApp media: the media id gives a short-lived URL; both calls carry the endpoint's token. */
  private Future<MediaFetcher.Fetched> fetch(Endpoint ep, String mediaId) {
    String token = ep.secret("access_token");
    if (token == null) return Future.failedFuture(new IllegalStateException("the endpoint has no access_token"));
    return graph.of(ep).get("/" + mediaId, token).compose(meta -> {
      String url = meta.getString("url");
      if (url == null) return Future.failedFuture(new IllegalStateException("the media has no url"));
      return graph.download(url, token)
          .map(media -> new MediaFetcher.Fetched(media.bytes(), meta.getString("mime_type", media.contentType())));
    });
  }

  private Future<Void> status(Endpoint ep, JsonObject s, Tally tally) {
    String id = s.getString("id");
    String status = s.getString("status");
    if (id == null || status == null || !List.of("sent", "delivered", "read", "failed").contains(status)) {
      skip(tally, "a whatsapp status without id or with status " + status);
      return Future.succeededFuture();
    }
    JsonObject error = s.getValue("errors") instanceof JsonArray errors && !errors.isEmpty() && errors.getValue(0) instanceof JsonObject e
        ? e : null;
    if ("failed".equals(status) && error == null) error = new JsonObject().put("code", "failed").put("title", "WhatsApp could not deliver the message");
    JsonObject err = error;
    java.time.Instant at = Statuses.epochSeconds(s.getString("timestamp"));
    return statuses.byProviderId(ep, id, status, at, err)
        // a report can overtake our own record of the send: look once more a moment later
        .compose(o -> o != Statuses.Outcome.UNKNOWN ? Future.succeededFuture(o)
            : node.vertx().timer(1500).compose(t -> statuses.byProviderId(ep, id, status, at, err)))
        .map(o -> {
          if (o == Statuses.Outcome.CHANGED) tally.statuses++;
          else if (o == Statuses.Outcome.UNKNOWN) log.info("meta webhook: whatsapp status {} for unknown message {}", status, id);
          return null;
        });
  }
}
