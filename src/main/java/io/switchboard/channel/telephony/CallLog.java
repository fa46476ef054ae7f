package io.switchboard.channel.telephony;

import io.switchboard.channel.MediaFetcher;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.ingest.Ingest;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.switchboard.ingest.IngestResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Calls and voicemails in the caller's conversation. An incoming call is a {@code call} activity from the moment
 * it rings (stored once per CallSid through ingest, like any message); status callbacks, the dial's outcome and the
 * recording then update it, each change a live {@code message.updated}. A recorded message is its own
 * {@code voicemail} activity (once per RecordingSid) with the recording as an attachment, or as a link when it
 * could not be fetched. The call's {@code data} holds direction, from, to, call_status, duration_s, talk_s,
 * dial_status, route, ring, outcome ({@code answered}, {@code missed}, {@code voicemail}, {@code forwarded}; for our
 * own calls also {@code no-answer}, {@code busy}, {@code failed}, {@code canceled}) and voicemail.
 */
final class CallLog implements EarlyCallbacks.Applier {

  private static final Logger log = LoggerFactory.getLogger(CallLog.class);
  static final String KIND = "call";
  /** Call statuses in the order a call goes through them; the last group is final. */
  private static final Map<String, Integer> RANK = Map.of("queued", 0, "initiated", 0, "ringing", 1, "in-progress", 2,
      "completed", 3, "busy", 3, "no-answer", 3, "failed", 3, "canceled", 3);
  private static final Set<String> ANSWERED = Set.of("completed", "answered");

  private final Node node;
  private final MediaFetcher media;
  private final Ingest ingest;

  CallLog(Node node, Ingest ingest, MediaFetcher media) {
    this.ingest = ingest;
    this.node = node;
    this.media = media;
  }

  /** Logs a call from {@code from} to the endpoint's number in the caller's conversation; once per CallSid. */
  Future<IngestResult> incoming(Endpoint ep, String callSid, String from, String callerName, String status, CallRouter.Plan plan) {
    JsonObject data = new JsonObject().put("provider", "twilio").put("call_sid", callSid).put("direction", "inbound")
        .put("from", from).put("to", ep.address()).put("call_status", status == null ? "ringing" : status);
    if (plan != null) data.put("route", plan.route()).put("ring", new JsonArray(plan.targets()));
    String text = summarize(data);
    String name = callerName == null || callerName.isBlank() || callerName.length() > 100 ? null : callerName;
    return ingest.ingest(InboundMessage.builder("phone", ep.address(), from).kind("call").providerId(callSid)
        .senderName(name).text(text).data(data).build());
  }

  /** A call status callback: moves the call forward (never back) and records its duration. */
  @Override
  public Future<Void> apply(Tx conn, Row activity, JsonObject params) {
    String status = params.getString("CallStatus");
    JsonObject data = activity.getJsonObject("data");
    int next = RANK.getOrDefault(status, -1);
    if (next < 0 || next <= RANK.getOrDefault(data.getString("call_status"), -1)) return Future.succeededFuture();
    return update(conn, activity, d -> {
      d.put("call_status", status);
      String duration = params.getString("CallDuration");
      if (duration != null && duration.matches("\\d{1,6}")) d.put("duration_s", Integer.parseInt(duration));
      return d;
    });
  }

  /** The outcome of a {@code <Dial>}: who answered decides between answered and voicemail. Null when not logged. */
  Future<JsonObject> dialed(long endpointId, String callSid, String dialStatus, Integer talkSeconds) {
    return node.db().tx(conn -> EarlyCallbacks.lock(conn, endpointId, callSid).compose(call -> {
      if (call == null) return Future.succeededFuture(null);
      JsonObject data = call.getJsonObject("data");
      if (dialStatus.equals(data.getString("dial_status"))) return Future.succeededFuture(data);
      return update(conn, call, d -> {
        d.put("dial_status", dialStatus);
        if (talkSeconds != null) d.put("talk_s", talkSeconds);
        return d;
      }).map(v -> data.put("dial_status", dialStatus));
    }));
  }

  /**
   * A recording callback. A completed recording of an inbound call becomes a voicemail activity with the recording
   * fetched (with the account's credentials) and stored; one that cannot be fetched is kept as a link. The call is
   * marked as having a voicemail. A failed or absent recording is noted on the call.
   */
  Future<Void> recording(Endpoint ep, TwilioRequest req) {
    String callSid = req.sid("CallSid");
    String recordingSid = req.sid("RecordingSid");
    String status = req.required("RecordingStatus");
    return node.db().one("""
        SELECT a.id, a.data, c.contact_address FROM activity a JOIN conversation c ON c.id = a.conversation_id
        WHERE a.endpoint_id = $1 AND a.provider_id = $2""", ep.id(), callSid).compose(call -> {
          if (call == null || !"inbound".equals(call.getJsonObject("data").getString("direction"))) {
            log.info("recording {} of call {}: not an inbound call of {}; ignored", recordingSid, callSid, ep.address());
            return Future.succeededFuture();
          }
          if (!status.equals("completed")) {
            return markVoicemail(ep.id(), callSid, new JsonObject().put("recording_sid", recordingSid).put("status", status));
          }
          String url = req.required("RecordingUrl");
          int seconds = req.integer("RecordingDuration", 0, 86_400, 0);
          JsonObject data = new JsonObject().put("provider", "twilio").put("call_sid", callSid).put("recording_sid", recordingSid)
              .put("recording_url", url).put("duration_s", seconds).put("call_activity_id", call.getLong("id"));
          InboundMessage.Builder m = InboundMessage.builder("phone", ep.address(), call.getString("contact_address"))
              .kind("voicemail").providerId(recordingSid).text("Voicemail (" + clock(seconds) + ")").data(data);
          return node.db().one("SELECT id FROM activity WHERE endpoint_id = $1 AND provider_id = $2", ep.id(), recordingSid)
              .compose(stored -> stored != null ? Future.succeededFuture(m) : fetchRecording(ep, url, recordingSid).map(m::attachment))
              .compose(b -> ingest.ingest(b.build()))
              .compose(r -> markVoicemail(ep.id(), callSid, new JsonObject().put("recording_sid", recordingSid)
                  .put("status", "completed").put("activity_id", r.activityId()).put("duration_s", seconds)));
        });
  }

  private Future<InboundMessage.Attachment> fetchRecording(Endpoint ep, String url, String recordingSid) {
    // the URL without an extension serves WAV; MP3 is a tenth of the size
    boolean hasExtension = url.matches(".*\\.(mp3|wav)$");
    String fetch = hasExtension ? url : url + ".mp3";
    String type = fetch.endsWith(".wav") ? "audio/wav" : "audio/mpeg";
    String filename = "voicemail-" + recordingSid + (fetch.endsWith(".wav") ? ".wav" : ".mp3");
    return media.fetch(fetch, MediaFetcher.basic(ep.setting("account_sid"), ep.secret("auth_token")))
        .map(f -> new InboundMessage.Attachment(filename, type, f.bytes(), null, false, url, null))
        .otherwise(t -> {
          log.info("recording {} could not be fetched, kept as a link: {}", recordingSid, t.getMessage());
          return new InboundMessage.Attachment(filename, type, null, null, false, url, "could not be fetched: " + t.getMessage());
        });
  }

  private Future<Void> markVoicemail(long endpointId, String callSid, JsonObject voicemail) {
    return node.db().tx(conn -> EarlyCallbacks.lock(conn, endpointId, callSid).compose(call -> {
      if (call == null || voicemail.equals(call.getJsonObject("data").getJsonObject("voicemail"))) return Future.succeededFuture();
      return update(conn, call, d -> d.put("voicemail", voicemail));
    }));
  }

  /** Changes a call's data, restates its summary and outcome, and tells the agents. */
  static Future<Void> update(Tx conn, Row call, UnaryOperator<JsonObject> change) {
    JsonObject data = change.apply(call.getJsonObject("data").copy());
    String text = summarize(data);
    long id = call.getLong("id");
    return Db.query(conn, "UPDATE activity SET data = $2, text = $3, updated_at = now() WHERE id = $1", id, data, text)
        .compose(v -> Timeline.updated(conn, id));
  }

  /** Sets the call's {@code outcome} from what is known of it; returns the activity's text. */
  static String summarize(JsonObject d) {
    String status = d.getString("call_status");
    boolean over = RANK.getOrDefault(status, -1) == 3;
    String dial = d.getString("dial_status");
    boolean answered = dial != null && ANSWERED.contains(dial);
    Integer talk = d.getInteger("talk_s", d.getInteger("duration_s"));
    String length = over && talk != null ? ", " + clock(talk) : "";
    String outcome;
    String text;
    if ("outbound".equals(d.getString("direction"))) {
      String to = "Outgoing call to " + d.getString("to");
      if (answered) {
        outcome = "answered";
        text = to + ", answered" + length;
      } else if (over) {
        String why = dial != null ? dial : status.equals("completed") ? "no-answer" : status;
        outcome = why;
        text = to + ", " + words(why);
      } else {
        outcome = null;
        text = to;
      }
    } else {
      JsonObject vm = d.getJsonObject("voicemail");
      if (vm != null && "completed".equals(vm.getString("status"))) {
        outcome = "voicemail";
        text = "Incoming call, voicemail left";
      } else if (answered) {
        boolean forwarded = "forward".equals(d.getString("route"));
        outcome = forwarded ? "forwarded" : "answered";
        text = forwarded ? "Incoming call, forwarded to " + firstRing(d) + length : "Incoming call, answered" + length;
      } else if (over || dial != null) {
        outcome = "missed";
        text = "Missed call";
      } else {
        outcome = null;
        text = "Incoming call";
      }
    }
    d.put("outcome", outcome);
    return text;
  }

  private static String firstRing(JsonObject d) {
    List<Object> ring = d.getJsonArray("ring", new JsonArray()).getList();
    return ring.isEmpty() ? "another number" : String.valueOf(ring.get(0));
  }

  private static String words(String status) {
    return switch (status) {
      case "no-answer" -> "not answered";
      case "busy" -> "busy";
      case "failed" -> "failed";
      case "canceled" -> "canceled";
      default -> status;
    };
  }

  static String clock(int seconds) {
    return seconds / 60 + ":" + String.format("%02d", seconds % 60);
  }
}
