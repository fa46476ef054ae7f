package io.switchboard.channel.telephony;

import io.switchboard.channel.MediaFetcher;
import io.switchboard.node.Node;
import io.switchboard.ingest.Ingest;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inbound SMS and MMS ({@code POST /hooks/twilio/sms}) and delivery statuses of our own messages
 * ({@code POST /hooks/twilio/sms/status}). An inbound message is checked against the auth token of the number it
 * was sent to, its media fetched, and handed to ingest; the empty TwiML answer goes out only after the commit. A
 * redelivered MessageSid is acknowledged again without fetching or storing anything.
 */
final class SmsHook {

  private static final Logger log = LoggerFactory.getLogger(SmsHook.class);
  /** Twilio's limit on one inbound message's media. */
  private static final int MAX_MEDIA = 10;
  private static final int MAX_BODY = 32_768;
  private static final Map<String, String> EXTENSIONS = Map.ofEntries(Map.entry("image/jpeg", ".jpg"),
      Map.entry("image/png", ".png"), Map.entry("image/gif", ".gif"), Map.entry("image/webp", ".webp"),
      Map.entry("image/heic", ".heic"), Map.entry("video/mp4", ".mp4"), Map.entry("video/3gpp", ".3gp"),
      Map.entry("audio/mpeg", ".mp3"), Map.entry("audio/ogg", ".ogg"), Map.entry("audio/amr", ".amr"),
      Map.entry("application/pdf", ".pdf"), Map.entry("text/vcard", ".vcf"), Map.entry("text/x-vcard", ".vcf"),
      Map.entry("text/plain", ".txt"));

  private final Node node;
  private final String publicUrl;
  private final MediaFetcher media;
  private final EndpointCache endpoints;
  private final Ingest ingest;
  private final DeliveryStatus statuses = new DeliveryStatus();

  SmsHook(Node node, EndpointCache endpoints, Ingest ingest, MediaFetcher media) {
    this.endpoints = endpoints;
    this.ingest = ingest;
    this.node = node;
    this.publicUrl = node.config().http().publicUrl();
    this.media = media;
  }

  Future<String> receive(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    return req.signedEndpoint(endpoints, "inbound SMS", "MessageSid").compose(ep -> {
      String sid = req.sid("MessageSid", "SmsSid");
      String from = req.e164("From");
      String body = req.get("Body");
      if (body != null && body.length() > MAX_BODY) throw ApiError.validation("Body", "Body is too long");
      int count = req.integer("NumMedia", 0, MAX_MEDIA, 0);
      List<String[]> items = new ArrayList<>();
      for (int i = 0; i < count; i++) items.add(new String[] {req.required("MediaUrl" + i), req.get("MediaContentType" + i)});
      InboundMessage.Builder m = InboundMessage.builder("phone", ep.address(), from).providerId(sid).text(body).data(details(req));
      return stored(ep, sid).compose(again -> again ? Future.succeededFuture(List.<InboundMessage.Attachment>of()) : fetchAll(ep, items))
          .compose(files -> {
            files.forEach(m::attachment);
            return ingest.ingest(m.build());
          })
          .map(r -> Twiml.EMPTY);
    });
  }

  Future<String> status(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    String sid = req.sid("MessageSid", "SmsSid");
    String status = req.get("MessageStatus") != null ? req.get("MessageStatus") : req.required("SmsStatus");
    // the message's own number signs: From for what we sent, To for inbound status reports
    return Numbers.resolve(node.db().pool(), sid, req.e164OrNull("From"), req.e164OrNull("To")).compose(ep -> {
      if (ep == null) {
        log.warn("SMS status {} for {}: neither From nor To is a number of this hub; refused", status, sid);
        return Future.failedFuture(ApiError.notFound("phone number"));
      }
      req.requireSignedBy(ep);
      return EarlyCallbacks.deliver(node.db(), ep.id(), sid, DeliveryStatus.KIND, req.toJson(), statuses).map("");
    });
  }

  /** Whether this message is already stored: a redelivery fetches no media again. */
  private Future<Boolean> stored(Endpoint ep, String sid) {
    return node.db().one("SELECT 1 FROM activity WHERE endpoint_id = $1 AND provider_id = $2", ep.id(), sid).map(r -> r != null);
  }

  /** All media at once (the provider waits about 15 s for our answer); one that fails is kept as failed. */
  private Future<List<InboundMessage.Attachment>> fetchAll(Endpoint ep, List<String[]> items) {
    List<Future<InboundMessage.Attachment>> all = new ArrayList<>();
    for (String[] item : items) {
      String url = item[0];
      String declared = item[1];
      all.add(media.fetch(url, MediaFetcher.basic(ep.setting("account_sid"), ep.secret("auth_token")))
          .map(f -> {
            String type = declared != null ? declared : f.contentType();
            return new InboundMessage.Attachment(filename(url, type), type, f.bytes(), null, false, url, null);
          })
          .otherwise(t -> {
            log.info("media {} of an inbound message to {} could not be fetched: {}", url, ep.address(), t.getMessage());
            return new InboundMessage.Attachment(filename(url, declared), declared, null, null, false, url,
                "could not be fetched: " + t.getMessage());
          }));
    }
    return Future.all(all).map(cf -> {
      List<InboundMessage.Attachment> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) out.add(cf.resultAt(i));
      return out;
    });
  }

  /** The media's id from its URL (Twilio's end in {@code /Media/ME…}) with an extension for its type. */
  static String filename(String url, String type) {
    String path = url.replaceAll("[?#].*$", "");
    String last = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "");
    if (last.isEmpty() || last.length() > 100) last = "media";
    String ext = type == null ? null : EXTENSIONS.get(type.toLowerCase(java.util.Locale.ROOT));
    return ext == null || last.contains(".") ? last : last + ext;
  }

  /** What the provider tells about the message that is worth keeping on the activity. */
  private static JsonObject details(TwilioRequest req) {
    JsonObject d = new JsonObject().put("provider", "twilio");
    String[][] keep = {{"AccountSid", "account_sid"}, {"MessagingServiceSid", "messaging_service_sid"},
        {"NumSegments", "num_segments"}, {"NumMedia", "num_media"}, {"FromCity", "from_city"}, {"FromState", "from_state"},
        {"FromZip", "from_zip"}, {"FromCountry", "from_country"}};
    for (String[] k : keep) {
      String v = req.get(k[0]);
      if (v != null && v.length() <= 200) d.put(k[1], v);
    }
    return d;
  }
}
