package io.switchboard.channel.telephony;

import io.switchboard.Hub;
import io.switchboard.http.Api;
import io.vertx.ext.web.Router;

/**
 * The telephony channel (Twilio-style): SMS/MMS in and out, delivery statuses, voice routing, call and voicemail
 * logging, and click-to-call. Provider webhooks go under {@code /hooks/twilio/…} and are checked by signature;
 * click-to-call is {@code POST /api/v1/calls}. One per HTTP verticle instance; the SMS sender, once per hub
 * ({@link #registerSender}).
 */
public final class Telephony {

  private final SmsHook sms;
  private final VoiceHook voice;
  private final CallsApi callsApi;
  private final MediaLinks links;

  public Telephony(Hub hub) {
    MediaFetcher media = new MediaFetcher(hub.vertx, hub.config.longValue("twilio.media_max_bytes"),
        hub.config.longValue("twilio.media_timeout_ms"));
    TwilioApi api = new TwilioApi(hub);
    CallRouter router = new CallRouter(hub);
    CallLog calls = new CallLog(hub, media);
    this.links = new MediaLinks(hub);
    this.sms = new SmsHook(hub, media);
    this.voice = new VoiceHook(hub, router, calls);
    this.callsApi = new CallsApi(hub, api, router, calls);
  }

  /** Registers the SMS sender for the {@code phone} channel; once per hub, before anything may send. */
  public static void registerSender(Hub hub) {
    hub.senders.register("phone", new SmsSender(hub, new TwilioApi(hub), new MediaLinks(hub)));
  }

  /** Provider webhooks, on the hooks router (body parsing, no user authentication). */
  public void mountHooks(Router hooks) {
    hooks.post("/twilio/sms").handler(Twiml.handler(sms::receive));
    hooks.post("/twilio/sms/status").handler(Twiml.handler(sms::status));
    hooks.post("/twilio/voice").handler(Twiml.handler(voice::incoming));
    hooks.post("/twilio/voice/dial").handler(Twiml.handler(voice::dial));
    hooks.post("/twilio/voice/voicemail").handler(Twiml.handler(voice::voicemailDone));
    hooks.post("/twilio/voice/status").handler(Twiml.handler(voice::status));
    hooks.post("/twilio/voice/recording").handler(Twiml.handler(voice::recording));
    hooks.get(MediaLinks.ROUTE).handler(links::serve);
  }

  /** Click-to-call, on the authenticated API router. */
  public void mountApi(Router api) {
    api.post("/calls").handler(Api.handle(callsApi::create));
  }
}
