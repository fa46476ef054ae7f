package io.switchboard.channel.telephony;

import io.switchboard.channel.MediaFetcher;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.channel.Channel;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.switchboard.common.ApiError;
import io.switchboard.http.Rest;
import io.switchboard.http.Routes;
import io.switchboard.inbox.Addresses;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.outbound.ChannelSender;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Map;
import java.util.Set;

/**
 * The telephony channel (Twilio-style): SMS/MMS in and out, delivery statuses, voice routing, call and voicemail
 * logging, and click-to-call. Provider webhooks go under {@code /hooks/twilio/…} and are checked by signature;
 * click-to-call is {@code POST /api/v1/calls}. Endpoints are phone numbers (E.164) with the provider account that
 * owns them.
 */
public final class Telephony implements Channel {

  private final Node node;
  private final SmsHook sms;
  private final VoiceHook voice;
  private final CallsApi callsApi;
  private final MediaLinks links;
  private final TwilioClient api;

  public Telephony(Node node, EndpointCache endpoints, Ingest ingest, AttachmentStore attachments) {
    this.node = node;
    MediaFetcher media = new MediaFetcher(node.vertx(), node.config().twilio().mediaMaxBytes(),
        node.config().twilio().mediaTimeoutMs());
    this.api = new TwilioClient(node);
    CallRouter router = new CallRouter(node);
    CallLog calls = new CallLog(node, ingest, media);
    this.links = new MediaLinks(node, attachments);
    this.sms = new SmsHook(node, endpoints, ingest, media);
    this.voice = new VoiceHook(node, endpoints, router, calls);
    this.callsApi = new CallsApi(node, api, router, calls);
  }

  @Override
  public Set<String> names() {
    return Set.of("phone");
  }

  @Override
  public boolean hasPrimary() {
    return true;
  }

  @Override
  public String address(String channel, String raw) {
    if (raw == null) throw ApiError.validation("address", "address (the phone number) is required");
    return Addresses.phone("address", raw, node.config().phone().defaultRegion());
  }

  @Override
  public void validate(String channel, JsonObject settings, JsonObject secrets) {
    if (!(settings.getValue("account_sid") instanceof String s) || s.isBlank()) {
      throw ApiError.validation("settings", "settings.account_sid (the provider account that owns the number) is required");
    }
    if (!(secrets.getValue("auth_token") instanceof String t) || t.isBlank()) {
      throw ApiError.validation("settings", "settings.auth_token (the account's auth token) is required");
    }
  }

  /** The account SID and auth token against the account API, the number on that account, its webhooks. */
  @Override
  public Future<ConnectionReport> test(Endpoint ep) {
    String base = node.config().http().publicUrl();
    return api.test(ep.setting("account_sid"), ep.secret("auth_token"), ep.address(), base + "/hooks/twilio/sms",
        base + "/hooks/twilio/voice");
  }

  /** The webhook URLs to paste into the provider's console. */
  @Override
  public JsonObject setup(String channel) {
    String base = node.config().http().publicUrl();
    JsonArray hooks = new JsonArray()
        .add(hook("sms", "A message comes in (SMS and MMS)", base + "/hooks/twilio/sms"))
        .add(hook("sms_status", "SMS status callback", base + "/hooks/twilio/sms/status"))
        .add(hook("voice", "A call comes in", base + "/hooks/twilio/voice"))
        .add(hook("voice_status", "Call status changes", base + "/hooks/twilio/voice/status"))
        .add(hook("recording", "Recording status callback", base + "/hooks/twilio/voice/recording"));
    return new JsonObject().put("webhooks", hooks);
  }

  private static JsonObject hook(String id, String label, String url) {
    return new JsonObject().put("id", id).put("label", label).put("url", url);
  }

  @Override
  public Map<String, ChannelSender> senders() {
    return Map.of("phone", new SmsSender(node, new TwilioClient(node), links));
  }

  /** Provider webhooks (checked by signature), media links, and click-to-call on the signed-in API. */
  @Override
  public void mount(Routes routes) {
    Router hooks = routes.hooks();
    hooks.post("/twilio/sms").handler(Twiml.handler(sms::receive));
    hooks.post("/twilio/sms/status").handler(Twiml.handler(sms::status));
    hooks.post("/twilio/voice").handler(Twiml.handler(voice::incoming));
    hooks.post("/twilio/voice/dial").handler(Twiml.handler(voice::dial));
    hooks.post("/twilio/voice/voicemail").handler(Twiml.handler(voice::voicemailDone));
    hooks.post("/twilio/voice/status").handler(Twiml.handler(voice::status));
    hooks.post("/twilio/voice/recording").handler(Twiml.handler(voice::recording));
    hooks.get(MediaLinks.ROUTE).handler(links::serve);
    routes.api().post("/calls").handler(Rest.handle(callsApi::create));
  }
}
