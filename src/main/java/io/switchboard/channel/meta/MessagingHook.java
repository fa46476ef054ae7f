package io.switchboard.channel.meta;

import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code object: page} (Messenger) and {@code object: instagram}: {@code entry[].messaging[]} events with
 * {@code sender}/{@code recipient} ids and one of {@code message} (text, attachments with a {@code payload.url}),
 * {@code postback}, {@code delivery} ({@code mids}, {@code watermark}) or {@code read} ({@code watermark}). Echoes
 * ({@code message.is_echo}) are our own sends and are ignored. The payload carries no name: it is asked of the
 * Graph API (user profile) the first time a person writes.
 */
final class MessagingHook extends MetaInbound {

  private final String channel;

  MessagingHook(Node node, GraphClient graph, EndpointCache endpoints, Ingest ingest, String channel) {
    super(node, graph, endpoints, ingest);
    this.channel = channel;
  }

  Future<Void> entry(JsonObject entry, Tally tally) {
    if (!(entry.getValue("messaging") instanceof JsonArray events)) {
      skip(tally, "a " + channel + " entry without messaging events (changes-style fields are not handled)");
      return Future.succeededFuture();
    }
    List<Supplier<Future<Void>>> steps = new ArrayList<>();
    for (Object o : events) {
      if (!(o instanceof JsonObject e)) {
        skip(tally, "a " + channel + " messaging event that is not an object");
        continue;
      }
      steps.add(() -> guard(event(entry, e, tally), tally, channel + " event"));
    }
    return inOrder(steps);
  }

  private Future<Void> event(JsonObject entry, JsonObject e, Tally tally) {
    String sender = id(e.getValue("sender"));
    String recipient = id(e.getValue("recipient"));
    JsonObject message = e.getValue("message") instanceof JsonObject m ? m : null;
    if (message != null && Boolean.TRUE.equals(message.getValue("is_echo"))) {
      log.debug("meta webhook: {} echo of our own message ignored", channel);
      return Future.succeededFuture();
    }
    // the account is the recipient of a person's message, and the entry names it in any case
    String account = recipient != null ? recipient : entry.getValue("id") == null ? null : String.valueOf(entry.getValue("id"));
    if (sender == null || account == null) {
      skip(tally, "a " + channel + " event without sender or recipient id");
      return Future.succeededFuture();
    }
    if (message != null) return endpoint(channel, account).compose(ep -> message(ep, sender, e, message, tally));
    if (e.getValue("postback") instanceof JsonObject p) return endpoint(channel, account).compose(ep -> postback(ep, sender, e, p, tally));
    if (e.getValue("delivery") instanceof JsonObject d) return endpoint(channel, account).compose(ep -> delivery(ep, sender, d, tally));
    if (e.getValue("read") instanceof JsonObject r) {
      Instant watermark = millis(r.getValue("watermark"));
      if (watermark == null) {
        skip(tally, "a " + channel + " read event without a watermark");
        return Future.succeededFuture();
      }
      return endpoint(channel, account).compose(ep -> statuses.byWatermark(ep, sender, watermark, "read"))
          .map(n -> {
            tally.statuses += n;
            return null;
          });
    }
    skip(tally, "a " + channel + " event of a kind not handled (" + String.join(",", e.fieldNames()) + ")");
    return Future.succeededFuture();
  }

  private Future<Void> message(Endpoint ep, String sender, JsonObject e, JsonObject m, Tally tally) {
    String mid = m.getString("mid");
    if (mid == null) {
      skip(tally, "a " + channel + " message without mid");
      return Future.succeededFuture();
    }
    JsonObject data = new JsonObject();
    if (m.getValue("reply_to") instanceof JsonObject r && r.getString("mid") != null) data.put("reply_to", r.getString("mid"));
    if (m.getValue("quick_reply") instanceof JsonObject q) data.put("quick_reply", q.getValue("payload"));
    List<MediaRef> media = new ArrayList<>();
    StringBuilder text = new StringBuilder(m.getString("text", ""));
    if (m.getValue("attachments") instanceof JsonArray attachments) {
      for (Object o : attachments) {
        if (!(o instanceof JsonObject a)) continue;
        String type = a.getString("type", "file");
        JsonObject payload = a.getValue("payload") instanceof JsonObject p ? p : new JsonObject();
        String url = payload.getString("url");
        if (List.of("image", "audio", "video", "file").contains(type) && url != null && url.startsWith("http")) {
          media.add(new MediaRef(nameIn(url), type, null, () -> graph.download(url, null), url));
        } else if (type.equals("location") && payload.getValue("coordinates") instanceof JsonObject c) {
          data.put("location", c);
          text.append(text.length() > 0 ? "\n" : "").append("Location: (").append(c.getValue("lat")).append(", ").append(c.getValue("long")).append(")");
        } else {
          data.put("unsupported_attachment", type);
          text.append(text.length() > 0 ? "\n" : "").append("(an attachment of type \"").append(type).append("\" that Switchboard cannot show)");
        }
      }
    }
    if (text.length() == 0 && media.isEmpty()) {
      if (Boolean.TRUE.equals(m.getValue("is_deleted"))) {
        log.info("meta webhook: {} message {} was unsent by its author", channel, mid);
        return Future.succeededFuture();
      }
      text.append("(a message Switchboard cannot show)");
      data.put("unsupported", true);
    }
    return name(ep, sender).compose(name -> store(ep, InboundMessage.builder(channel, ep.address(), sender)
        .senderName(name).providerId(mid).sentAt(millis(e.getValue("timestamp")))
        .text(text.length() == 0 ? null : text.toString()).data(data), mid, media, tally));
  }

  private Future<Void> postback(Endpoint ep, String sender, JsonObject e, JsonObject p, Tally tally) {
    String mid = p.getString("mid");
    String title = p.getString("title");
    if (mid == null || title == null) {
      skip(tally, "a " + channel + " postback without mid or title");
      return Future.succeededFuture();
    }
    return name(ep, sender).compose(name -> store(ep, InboundMessage.builder(channel, ep.address(), sender)
        .senderName(name).providerId(mid).sentAt(millis(e.getValue("timestamp"))).text(title)
        .data(new JsonObject().put("postback", p.getValue("payload"))), mid, List.of(), tally));
  }

  private Future<Void> delivery(Endpoint ep, String sender, JsonObject d, Tally tally) {
    List<Supplier<Future<Void>>> steps = new ArrayList<>();
    if (d.getValue("mids") instanceof JsonArray mids) {
      for (Object mid : mids) {
        if (mid instanceof String s) {
          steps.add(() -> statuses.byProviderId(ep, s, "delivered", null, null).map(o -> {
            if (o == Statuses.Outcome.CHANGED) tally.statuses++;
            return null;
          }));
        }
      }
    }
    Instant watermark = millis(d.getValue("watermark"));
    if (watermark != null) {
      steps.add(() -> statuses.byWatermark(ep, sender, watermark, "delivered").map(n -> {
        tally.statuses += n;
        return null;
      }));
    }
    if (steps.isEmpty()) skip(tally, "a " + channel + " delivery without mids or watermark");
    return inOrder(steps);
  }

  /** The person's name: already known, or asked of the Graph API's user profile (best effort). */
  private Future<String> name(Endpoint ep, String sender) {
    return Db.one(node.db().pool(), """
        SELECT ct.name FROM contact_identity i JOIN contact ct ON ct.id = i.contact_id
        WHERE i.workspace_id = $1 AND i.channel = $2 AND i.address = $3""", ep.workspaceId(), channel, sender)
        .compose(known -> {
          if (known != null && known.getString("name") != null) return Future.succeededFuture(known.getString("name"));
          String token = ep.secret("access_token");
          if (token == null) return Future.succeededFuture(null);
          String fields = channel.equals("instagram") ? "name,username" : "first_name,last_name,name";
          return graph.of(ep).get("/" + sender + "?fields=" + fields, token).map(p -> {
            String full = p.getString("name");
            if (full == null && p.getString("first_name") != null) {
              full = (p.getString("first_name") + " " + p.getString("last_name", "")).trim();
            }
            return full != null ? full : p.getString("username");
          }).recover(t -> {
            log.info("meta webhook: no {} profile for {}: {}", channel, sender, t.getMessage());
            return Future.succeededFuture(null);
          });
        });
  }

  /** The file name at the end of a CDN URL's path, when it looks like one. */
  private static String nameIn(String url) {
    try {
      String path = java.net.URI.create(url).getPath();
      String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
      return last.matches("[A-Za-z0-9._-]{1,100}\\.[A-Za-z0-9]{1,5}") ? last : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String id(Object party) {
    if (!(party instanceof JsonObject o) || o.getValue("id") == null) return null;
    String id = String.valueOf(o.getValue("id"));
    return id.matches("[0-9]{1,40}") ? id : null;
  }

  private static Instant millis(Object v) {
    if (v instanceof Number n) return Instant.ofEpochMilli(n.longValue());
    if (v instanceof String s && s.matches("\\d{1,18}")) return Instant.ofEpochMilli(Long.parseLong(s));
    return null;
  }
}
