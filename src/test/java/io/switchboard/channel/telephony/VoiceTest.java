package io.switchboard.channel.telephony;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static io.switchboard.channel.telephony.TwilioWebhooks.params;
import static org.assertj.core.api.Assertions.assertThat;

/** Incoming calls, routing by business hours, call and voicemail logging, and click-to-call. */
@WithHub({"http.public_url=" + TwilioWebhooks.PUBLIC, "http.cookie_secure=false", "twilio.media_timeout_ms=3000"})
class VoiceTest {

  static final String ACCOUNT = "AC" + "4".repeat(32);
  static final String TOKEN = "voice-token";
  static final String NUMBER = "+31201234500";
  static final String NIGHT_NUMBER = "+31201234600";
  static final String EXTRA_RING = "+31201110000";
  static final String FORWARD_TO = "+31207770000";
  /** Monday 2 March 2026, 10:00 and Tuesday 3 March, 03:00 in Amsterdam (UTC+1). */
  static final Instant TEN = Instant.parse("2026-03-02T09:00:00Z");
  static final Instant THREE = Instant.parse("2026-03-03T02:00:00Z");

  static FakeTwilio twilio;
  static TestHub hub;
  static String dbUrl;
  static TwilioWebhooks hooks;
  static long support;
  static long night;
  static long numberId;
  static ApiClient ringer;
  static ApiClient quiet;
  static ApiClient outsider;
  static ApiClient boss;

  /** The provider is a stand-in on this machine; the hub's database is prepared before it starts. */
  @HubConfig
  static Map<String, Object> config() throws Exception {
    twilio = new FakeTwilio();
    // this workspace has taken calls.make away from agents, so the permission check can be seen working
    dbUrl = TestDatabase.fresh();
    try (Connection c = TestDatabase.connect(dbUrl)) {
      c.createStatement().execute("DELETE FROM role_permission WHERE role = 'agent' AND permission = 'calls.make'");
    }
    return Map.of("db.url", dbUrl, "twilio.api_base", twilio.base());
  }

  @BeforeAll
  static void setUp() {
    hooks = new TwilioWebhooks(hub);
    ApiClient admin = hub.admin();
    ringer = hub.user("ringer@example.com", "agent");
    quiet = hub.user("quiet@example.com", "agent");
    outsider = hub.user("voice-outsider@example.com", "agent");
    boss = hub.user("boss@example.com", "supervisor");
    admin.patch("/api/v1/users/" + ringer.userId(), new JsonObject().put("phone", "+31 6 12345678")).expect(200);

    JsonObject hours = new JsonObject().put("timezone", "Europe/Amsterdam").put("weekly", new JsonObject());
    for (String day : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.getJsonObject("weekly").put(day, new JsonArray().add(new JsonArray().add("09:00").add("17:00")));
    }
    support = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Voice Support").put("business_hours", hours)
        .put("call_routing", new JsonObject().put("ring", new JsonArray().add(ringer.userId()).add(EXTRA_RING))
            .put("timeout_s", 25).put("after_hours", "voicemail"))).expect(201).json().getLong("id");
    numberId = number(support, NUMBER);
    for (ApiClient u : List.of(ringer, quiet, boss)) hub.member(support, u.userId());
    boss.patch("/api/v1/me", new JsonObject().put("default_inbox_id", support)).expect(200);

    // no ring list: every member rings; after hours the call is forwarded
    night = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Voice Night").put("business_hours", hours)
        .put("call_routing", new JsonObject().put("after_hours", "forward:" + FORWARD_TO))).expect(201).json().getLong("id");
    number(night, NIGHT_NUMBER);
    hub.member(night, quiet.userId());
  }

  @AfterAll
  static void stop() {
    twilio.close();
  }

  static long number(long inbox, String address) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", address)
        .put("settings", new JsonObject().put("account_sid", ACCOUNT).put("auth_token", TOKEN))).expect(201).json().getLong("id");
  }

  static void at(Instant t) {
    hub.switchboard.node().clock().set(Clock.fixed(t, ZoneOffset.UTC));
  }

  static HttpResponse<String> call(String callSid, String from, String to) {
    return hooks.post("/hooks/twilio/voice", TOKEN, params("CallSid", callSid, "AccountSid", ACCOUNT, "From", from, "To", to,
        "CallStatus", "ringing", "Direction", "inbound", "CallerName", "Jan Jansen", "ApiVersion", "2010-04-01"));
  }

  static HttpResponse<String> callback(String path, String callSid, String from, String to, String direction, String... extra) {
    Map<String, String> p = params("CallSid", callSid, "AccountSid", ACCOUNT, "From", from, "To", to, "Direction", direction);
    for (int i = 0; i + 1 < extra.length; i += 2) p.put(extra[i], extra[i + 1]);
    return hooks.post(path, TOKEN, p);
  }

  static HttpResponse<String> recording(String callSid, String recordingSid, String url, String status, String seconds) {
    return hooks.post("/hooks/twilio/voice/recording", TOKEN, params("AccountSid", ACCOUNT, "CallSid", callSid,
        "RecordingSid", recordingSid, "RecordingUrl", url, "RecordingStatus", status, "RecordingDuration", seconds,
        "RecordingChannels", "1", "RecordingSource", "RecordVerb"));
  }

  static Element twiml(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/xml");
    return parse(r.body());
  }

  static Element parse(String xml) {
    try {
      Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
      assertThat(d.getDocumentElement().getTagName()).isEqualTo("Response");
      return d.getDocumentElement();
    } catch (Exception e) {
      throw new AssertionError("not TwiML: " + xml, e);
    }
  }

  static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) if (n instanceof Element c) out.add(c);
    return out;
  }

  static List<String> nouns(Element dial) {
    return children(dial).stream().map(c -> c.getTagName() + ":" + c.getTextContent()).toList();
  }

  /** The activity with this provider id, as a member sees it. */
  static JsonObject activity(ApiClient client, String providerId) {
    return SmsInboundTest.activityBySid(client, providerId);
  }

  @Test
  @DisplayName("a call at 10:00, within business hours, rings the routed member in the browser and on their phone plus the listed number, then is logged as answered")
  void callWithinHours() {
    at(TEN);
    String sid = FakeTwilio.newSid("CA");
    try (LiveClient live = LiveClient.agent(hub, ringer); LiveClient away = LiveClient.agent(hub, outsider)) {
      live.awaitType("hello");
      away.awaitType("hello");
      Element response = twiml(call(sid, "+31611112222", NUMBER));
      List<Element> verbs = children(response);
      assertThat(verbs).hasSize(1);
      Element dial = verbs.get(0);
      assertThat(dial.getTagName()).isEqualTo("Dial");
      assertThat(dial.getAttribute("timeout")).isEqualTo("25");
      assertThat(dial.getAttribute("callerId")).isEqualTo("+31611112222");
      assertThat(dial.getAttribute("action")).isEqualTo(TwilioWebhooks.PUBLIC + "/hooks/twilio/voice/dial");
      assertThat(nouns(dial)).containsExactly("Client:user-" + ringer.userId(), "Number:+31612345678", "Number:" + EXTRA_RING);

      JsonObject created = live.await(f -> "message.created".equals(f.getString("type"))
          && sid.equals(f.getJsonObject("data").getJsonObject("activity").getString("provider_id")), Duration.ofSeconds(10));
      JsonObject logged = created.getJsonObject("data").getJsonObject("activity");
      assertThat(logged.getString("kind")).isEqualTo("call");
      assertThat(logged.getString("direction")).isEqualTo("in");
      assertThat(logged.getString("text")).isEqualTo("Incoming call");
      assertThat(created.getLong("inbox")).isEqualTo(support);
      assertThat(away.collect(f -> "message.created".equals(f.getString("type")), Duration.ofMillis(800))).isEmpty();

      assertThat(children(twiml(callback("/hooks/twilio/voice/dial", sid, "+31611112222", NUMBER, "inbound",
          "DialCallStatus", "completed", "DialCallDuration", "95", "CallStatus", "in-progress")))).extracting(Element::getTagName)
          .containsExactly("Hangup");
      HttpResponse<String> done = callback("/hooks/twilio/voice/status", sid, "+31611112222", NUMBER, "inbound",
          "CallStatus", "completed", "CallDuration", "120", "SequenceNumber", "3");
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).isEmpty();
      JsonObject updated = live.await(f -> "message.updated".equals(f.getString("type"))
          && "completed".equals(f.getJsonObject("data").getJsonObject("activity").getJsonObject("data").getString("call_status")),
          Duration.ofSeconds(10)).getJsonObject("data").getJsonObject("activity");
      assertThat(updated.getString("text")).isEqualTo("Incoming call, answered, 1:35");
      assertThat(updated.getJsonObject("data").getString("outcome")).isEqualTo("answered");
      assertThat(updated.getJsonObject("data").getInteger("duration_s")).isEqualTo(120);
    }
  }

  @Test
  @DisplayName("a call at 03:00 gets voicemail with an explicit action; the recording callback shows a voicemail with the recording in the caller's conversation, once")
  void callAtNightVoicemail() throws Exception {
    at(THREE);
    String sid = FakeTwilio.newSid("CA");
    Element response = twiml(call(sid, "+31622223333", NUMBER));
    List<Element> verbs = children(response);
    assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Record");
    assertThat(verbs.get(0).getTextContent()).contains("Voice Support").contains("closed");
    Element record = verbs.get(1);
    assertThat(record.getAttribute("maxLength")).isEqualTo("120");
    assertThat(record.getAttribute("playBeep")).isEqualTo("true");
    assertThat(record.getAttribute("action")).isEqualTo(TwilioWebhooks.PUBLIC + "/hooks/twilio/voice/voicemail");
    assertThat(record.getAttribute("recordingStatusCallback")).isEqualTo(TwilioWebhooks.PUBLIC + "/hooks/twilio/voice/recording");

    assertThat(children(twiml(callback("/hooks/twilio/voice/voicemail", sid, "+31622223333", NUMBER, "inbound",
        "RecordingUrl", "x", "RecordingDuration", "7")))).extracting(Element::getTagName).containsExactly("Say", "Hangup");

    byte[] audio = "ID3 pretend mp3".getBytes(StandardCharsets.UTF_8);
    String recordingSid = FakeTwilio.newSid("RE");
    String recordingPath = "/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + recordingSid;
    twilio.serve(recordingPath + ".mp3", audio, "audio/mpeg");
    try (LiveClient live = LiveClient.agent(hub, quiet)) {
      live.awaitType("hello");
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r = recording(sid, recordingSid, twilio.base() + recordingPath, "completed", "42");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      JsonObject vm = live.await(f -> "message.created".equals(f.getString("type"))
          && "voicemail".equals(f.getJsonObject("data").getJsonObject("activity").getString("kind")), Duration.ofSeconds(10))
          .getJsonObject("data").getJsonObject("activity");
      JsonObject callActivity = activity(quiet, sid);
      assertThat(vm.getLong("conversation_id")).isEqualTo(callActivity.getLong("conversation_id"));
      assertThat(vm.getString("text")).isEqualTo("Voicemail (0:42)");
      assertThat(vm.getString("provider_id")).isEqualTo(recordingSid);
    }
    JsonObject conv = quiet.get("/api/v1/conversations/" + activity(quiet, sid).getLong("conversation_id")).expect(200).json();
    assertThat(conv.getString("contact_address")).isEqualTo("+31622223333");
    assertThat(conv.getLong("inbox_id")).isEqualTo(support);
    JsonArray voicemails = quiet.get("/api/v1/conversations/" + conv.getLong("id") + "/activities?kind=voicemail").expect(200).items();
    assertThat(voicemails).hasSize(1);
    JsonObject file = voicemails.getJsonObject(0).getJsonArray("attachments").getJsonObject(0);
    assertThat(file.getString("status")).isEqualTo("stored");
    assertThat(file.getString("content_type")).isEqualTo("audio/mpeg");
    assertThat(quiet.get(file.getString("url")).body()).isEqualTo("ID3 pretend mp3");
    FakeTwilio.Received fetch = twilio.await(r -> r.path().equals(recordingPath + ".mp3"), Duration.ofSeconds(5));
    assertThat(fetch.headers().get("authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
    assertThat(twilio.received.stream().filter(r -> r.path().equals(recordingPath + ".mp3"))).hasSize(1);

    callback("/hooks/twilio/voice/status", sid, "+31622223333", NUMBER, "inbound", "CallStatus", "completed", "CallDuration", "61");
    JsonObject call = activity(quiet, sid);
    assertThat(call.getJsonObject("data").getString("outcome")).isEqualTo("voicemail");
    assertThat(call.getString("text")).isEqualTo("Incoming call, voicemail left");
  }

  @Test
  @DisplayName("when nobody answers within hours the caller gets voicemail; a recording that cannot be fetched is kept as a link")
  void noAnswerThenVoicemail() {
    at(TEN);
    String sid = FakeTwilio.newSid("CA");
    twiml(call(sid, "+31633334444", NUMBER));
    Element next = twiml(callback("/hooks/twilio/voice/dial", sid, "+31633334444", NUMBER, "inbound",
        "DialCallStatus", "no-answer", "CallStatus", "in-progress"));
    assertThat(children(next)).extracting(Element::getTagName).containsExactly("Say", "Record");
    assertThat(children(next).get(1).getAttribute("action")).isEqualTo(TwilioWebhooks.PUBLIC + "/hooks/twilio/voice/voicemail");
    assertThat(activity(ringer, sid).getString("text")).isEqualTo("Missed call");

    String recordingSid = FakeTwilio.newSid("RE");
    String url = twilio.base() + "/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + recordingSid;
    assertThat(recording(sid, recordingSid, url, "completed", "5").statusCode()).isEqualTo(200);
    JsonObject vm = activity(ringer, recordingSid);
    assertThat(vm.getString("kind")).isEqualTo("voicemail");
    assertThat(vm.getJsonObject("data").getString("recording_url")).isEqualTo(url);
    JsonObject file = vm.getJsonArray("attachments").getJsonObject(0);
    assertThat(file.getString("status")).isEqualTo("failed");
    assertThat(file.getString("error")).contains("404");
    assertThat(activity(ringer, sid).getJsonObject("data").getString("outcome")).isEqualTo("voicemail");
  }

  @Test
  @DisplayName("call status callbacks update the one call activity per CallSid, and a late one never moves it back")
  void statusOutOfOrder() throws Exception {
    at(TEN);
    String sid = FakeTwilio.newSid("CA");
    twiml(call(sid, "+31644445555", NUMBER));
    callback("/hooks/twilio/voice/status", sid, "+31644445555", NUMBER, "inbound", "CallStatus", "completed", "CallDuration", "30");
    callback("/hooks/twilio/voice/status", sid, "+31644445555", NUMBER, "inbound", "CallStatus", "in-progress");
    callback("/hooks/twilio/voice/status", sid, "+31644445555", NUMBER, "inbound", "CallStatus", "ringing");
    callback("/hooks/twilio/voice/status", sid, "+31644445555", NUMBER, "inbound", "CallStatus", "completed", "CallDuration", "30");
    twiml(call(sid, "+31644445555", NUMBER));
    JsonObject call = activity(ringer, sid);
    assertThat(call.getJsonObject("data").getString("call_status")).isEqualTo("completed");
    assertThat(call.getJsonObject("data").getInteger("duration_s")).isEqualTo(30);
    assertThat(call.getString("text")).isEqualTo("Missed call");
    try (Connection c = TestDatabase.connect(dbUrl);
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM activity WHERE provider_id = '" + sid + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
    }

    // a call whose first webhook never reached us is logged from its status callback
    String unseen = FakeTwilio.newSid("CA");
    callback("/hooks/twilio/voice/status", unseen, "+31644446666", NUMBER, "inbound", "CallStatus", "completed", "CallDuration", "3");
    assertThat(activity(ringer, unseen).getString("text")).isEqualTo("Missed call");
  }

  @Test
  @DisplayName("an inbox without a ring list rings every member within hours, and forwards to its number after hours")
  void everyoneThenForward() {
    at(TEN);
    Element day = children(twiml(call(FakeTwilio.newSid("CA"), "+31655556666", NIGHT_NUMBER))).get(0);
    assertThat(nouns(day)).containsExactly("Client:user-" + hub.admin().userId(), "Client:user-" + quiet.userId());

    at(THREE);
    List<Element> nightVerbs = children(twiml(call(FakeTwilio.newSid("CA"), "+31655556666", NIGHT_NUMBER)));
    assertThat(nightVerbs).extracting(Element::getTagName).containsExactly("Dial");
    assertThat(nouns(nightVerbs.get(0))).containsExactly("Number:" + FORWARD_TO);
  }

  @Test
  @DisplayName("calls to unknown numbers and callbacks with wrong signatures are refused and store nothing")
  void refused() throws Exception {
    at(TEN);
    HttpResponse<String> unknown = call(FakeTwilio.newSid("CA"), "+31666667777", "+31209999999");
    assertThat(unknown.statusCode()).isEqualTo(404);
    String sid = FakeTwilio.newSid("CA");
    Map<String, String> p = params("CallSid", sid, "AccountSid", ACCOUNT, "From", "+31666667777", "To", NUMBER,
        "CallStatus", "ringing", "Direction", "inbound");
    assertThat(hooks.post("/hooks/twilio/voice", "wrong", p).statusCode()).isEqualTo(403);
    assertThat(hooks.postSigned("/hooks/twilio/voice", p, null).statusCode()).isEqualTo(403);
    assertThat(hooks.post("/hooks/twilio/voice/status", "wrong", p).statusCode()).isEqualTo(403);
    Map<String, String> bad = params("CallSid", sid, "AccountSid", ACCOUNT, "From", "anonymous", "To", NUMBER,
        "CallStatus", "ringing", "Direction", "inbound");
    assertThat(hooks.post("/hooks/twilio/voice", TOKEN, bad).statusCode()).isEqualTo(400);
    try (Connection c = TestDatabase.connect(dbUrl);
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM contact WHERE phone = '+31666667777'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }

    String known = FakeTwilio.newSid("CA");
    twiml(call(known, "+31666668888", NUMBER));
    Map<String, String> rec = params("AccountSid", ACCOUNT, "CallSid", known, "RecordingSid", FakeTwilio.newSid("RE"),
        "RecordingUrl", twilio.base() + "/r", "RecordingStatus", "completed", "RecordingDuration", "3");
    assertThat(hooks.post("/hooks/twilio/voice/recording", "wrong", rec).statusCode()).isEqualTo(403);
    assertThat(ringer.get("/api/v1/conversations/" + activity(ringer, known).getLong("conversation_id")
        + "/activities?kind=voicemail").expect(200).items()).isEmpty();
  }

  @Test
  @DisplayName("click-to-call rings the agent's phone first, bridges to the contact with the inbox number as caller id, and logs the call")
  void clickToCall() {
    boss.patch("/api/v1/me", new JsonObject().put("phone", "+31 6 98765432")).expect(200);
    ApiClient.Response r = boss.post("/api/v1/calls", new JsonObject().put("to", "+31 6 5555 1234"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject logged = r.json();
    assertThat(logged.getString("kind")).isEqualTo("call");
    assertThat(logged.getString("direction")).isEqualTo("out");
    assertThat(logged.getString("status")).isEqualTo("sent");
    assertThat(logged.getLong("endpoint_id")).isEqualTo(numberId);
    String sid = logged.getString("provider_id");
    assertThat(sid).startsWith("CA");

    FakeTwilio.Received placed = twilio.await(x -> x.path().endsWith("/Calls.json") && "+31698765432".equals(x.param("To")),
        Duration.ofSeconds(5));
    assertThat(placed.path()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json");
    assertThat(placed.headers().get("authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
    assertThat(placed.param("From")).isEqualTo(NUMBER);
    assertThat(placed.param("StatusCallback")).isEqualTo(TwilioWebhooks.PUBLIC + "/hooks/twilio/voice/status");
    assertThat(placed.params("StatusCallbackEvent")).contains("initiated", "ringing", "answered", "completed");
    Element bridge = parse(placed.param("Twiml"));
    Element dial = children(bridge).get(0);
    assertThat(dial.getTagName()).isEqualTo("Dial");
    assertThat(dial.getAttribute("callerId")).isEqualTo(NUMBER);
    assertThat(nouns(dial)).containsExactly("Number:+31655551234");

    // the provider reports the call as it goes
    callback("/hooks/twilio/voice/status", sid, NUMBER, "+31698765432", "outbound-api", "CallStatus", "ringing");
    callback("/hooks/twilio/voice/status", sid, NUMBER, "+31698765432", "outbound-api", "CallStatus", "in-progress");
    assertThat(children(twiml(callback("/hooks/twilio/voice/dial", sid, NUMBER, "+31698765432", "outbound-api",
        "DialCallStatus", "completed", "DialCallDuration", "42")))).extracting(Element::getTagName).containsExactly("Hangup");
    callback("/hooks/twilio/voice/status", sid, NUMBER, "+31698765432", "outbound-api", "CallStatus", "completed", "CallDuration", "60");

    JsonObject call = activity(ringer, sid);
    assertThat(call.getString("text")).isEqualTo("Outgoing call to +31655551234, answered, 0:42");
    assertThat(call.getJsonObject("data").getString("outcome")).isEqualTo("answered");
    assertThat(call.getJsonObject("sender").getLong("id")).isEqualTo(boss.userId());
    JsonObject conv = ringer.get("/api/v1/conversations/" + call.getLong("conversation_id")).expect(200).json();
    assertThat(conv.getString("contact_address")).isEqualTo("+31655551234");
    assertThat(conv.getJsonObject("contact").getString("phone")).isEqualTo("+31655551234");

    // an admin without a phone is rung in the browser; a contact and a number can be named
    ApiClient admin = hub.admin();
    ApiClient.Response second = admin.post("/api/v1/calls", new JsonObject().put("contact_id", conv.getLong("contact_id"))
        .put("from_endpoint_id", numberId));
    assertThat(second.status()).as(second.body()).isEqualTo(201);
    FakeTwilio.Received browser = twilio.await(x -> x.path().endsWith("/Calls.json")
        && ("client:user-" + admin.userId()).equals(x.param("To")), Duration.ofSeconds(5));
    assertThat(browser.param("Twiml")).contains("<Number>+31655551234</Number>");
    assertThat(second.json().getLong("conversation_id")).isEqualTo(conv.getLong("id"));
  }

  @Test
  @DisplayName("click-to-call needs calls.make and membership of the number's inbox; a call the provider does not take leaves nothing behind")
  void clickToCallChecks() {
    ApiClient.Response agent = ringer.post("/api/v1/calls", new JsonObject().put("to", "+31611110000").put("from_endpoint_id", numberId));
    assertThat(agent.status()).isEqualTo(403);
    assertThat(agent.errorCode()).isEqualTo("forbidden");

    ApiClient stranger = hub.user("stranger-sup@example.com", "supervisor");
    assertThat(stranger.post("/api/v1/calls", new JsonObject().put("to", "+31611110000").put("from_endpoint_id", numberId)).status())
        .isEqualTo(404);
    ApiClient.Response noDefault = stranger.post("/api/v1/calls", new JsonObject().put("to", "+31611110000"));
    assertThat(noDefault.status()).isEqualTo(400);
    assertThat(noDefault.errorField()).isEqualTo("from_endpoint_id");
    assertThat(boss.post("/api/v1/calls", new JsonObject().put("to", "call me maybe")).errorField()).isEqualTo("to");
    assertThat(boss.post("/api/v1/calls", new JsonObject()).status()).isEqualTo(400);

    twilio.script("Calls.json", 400, new JsonObject().put("code", 21215)
        .put("message", "Account not authorized to call +31611110001").put("status", 400), 0);
    ApiClient.Response refused = boss.post("/api/v1/calls", new JsonObject().put("to", "+31611110001"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("21215");
    twilio.script("Calls.json", 500, new JsonObject().put("code", 20500).put("message", "Internal error"), 0);
    assertThat(boss.post("/api/v1/calls", new JsonObject().put("to", "+31611110002")).status()).isEqualTo(503);
    // neither left a contact or a conversation behind
    for (String number : List.of("%2B31611110001", "%2B31611110002")) {
      assertThat(boss.get("/api/v1/conversations?q=" + number).expect(200).items()).isEmpty();
      assertThat(boss.get("/api/v1/contacts?q=" + number).expect(200).items()).isEmpty();
    }

    // in a conversation the caller already has with the contact, the refused attempt is kept as a failed call
    ApiClient.Response placed = boss.post("/api/v1/calls", new JsonObject().put("to", "+31611110003"));
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    long conversation = placed.json().getLong("conversation_id");
    twilio.script("Calls.json", 400, new JsonObject().put("code", 21215)
        .put("message", "Account not authorized to call +31611110003").put("status", 400), 0);
    assertThat(boss.post("/api/v1/calls", new JsonObject().put("to", "+31611110003")).status()).isEqualTo(409);
    JsonObject failed = boss.get("/api/v1/conversations/" + conversation + "/activities?kind=call").expect(200).items().getJsonObject(0);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("21215");
  }

  @Test
  @DisplayName("a call to a number known only in an inbox the caller is not a member of opens none of that contact, placed or not")
  void clickToCallKeepsOtherInboxesClosed() {
    ApiClient admin = hub.admin();
    long finance = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Voice Finance")).expect(201).json().getLong("id");
    String financeNumber = "+31201234700";
    number(finance, financeNumber);
    // a customer known only to Finance, with notes and an opportunity there
    String customer = "+31644440000";
    assertThat(hooks.post("/hooks/twilio/sms", TOKEN, params("MessageSid", FakeTwilio.newSid("SM"), "AccountSid", ACCOUNT,
        "From", customer, "To", financeNumber, "Body", "about my invoice", "NumMedia", "0")).statusCode()).isEqualTo(200);
    long financeContact = admin.get("/api/v1/contacts?q=%2B31644440000").expect(200).items().getJsonObject(0).getLong("id");
    admin.post("/api/v1/contacts/" + financeContact + "/notes", new JsonObject().put("text", "owes 4,000 EUR")).expect(201);
    admin.post("/api/v1/contacts/" + financeContact + "/opportunities", new JsonObject().put("title", "Debt plan")).expect(201);
    assertThat(boss.get("/api/v1/contacts/" + financeContact).status()).isEqualTo(404);

    // a failing call changes nothing
    twilio.script("Calls.json", 500, new JsonObject().put("code", 20500).put("message", "Internal error"), 0);
    assertThat(boss.post("/api/v1/calls", new JsonObject().put("to", customer)).status()).isEqualTo(503);
    assertThat(boss.get("/api/v1/contacts/" + financeContact).status()).isEqualTo(404);
    assertThat(boss.get("/api/v1/contacts?q=%2B31644440000").expect(200).items()).isEmpty();

    // a placed one gets a contact of the caller's own, and still none of Finance's
    ApiClient.Response placed = boss.post("/api/v1/calls", new JsonObject().put("to", customer));
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    JsonObject conv = boss.get("/api/v1/conversations/" + placed.json().getLong("conversation_id")).expect(200).json();
    long own = conv.getLong("contact_id");
    assertThat(own).isNotEqualTo(financeContact);
    assertThat(conv.getJsonObject("contact").getString("phone")).isEqualTo(customer);
    assertThat(boss.get("/api/v1/contacts/" + financeContact).status()).isEqualTo(404);
    assertThat(boss.get("/api/v1/contacts/" + financeContact + "/notes").status()).isEqualTo(404);
    assertThat(boss.get("/api/v1/contacts/" + financeContact + "/opportunities").status()).isEqualTo(404);
    assertThat(boss.get("/api/v1/contacts?q=%2B31644440000").expect(200).items()).extracting(o -> ((JsonObject) o).getLong("id"))
        .containsExactly(own);
    // naming Finance's contact outright is no way in either
    assertThat(boss.post("/api/v1/calls", new JsonObject().put("contact_id", financeContact)).errorField()).isEqualTo("contact_id");
  }

  @Test
  @DisplayName("a user's own phone number is validated E.164 and editable on their profile, and by an admin")
  void userPhone() {
    ApiClient.Response bad = quiet.patch("/api/v1/me", new JsonObject().put("phone", "not a number"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorField()).isEqualTo("phone");
    assertThat(quiet.patch("/api/v1/me", new JsonObject().put("phone", "+31 6 11122233")).expect(200).json()
        .getJsonObject("user").getString("phone")).isEqualTo("+31611122233");
    assertThat(quiet.patch("/api/v1/me", new JsonObject().putNull("phone")).expect(200).json()
        .getJsonObject("user").getString("phone")).isNull();
    assertThat(hub.admin().patch("/api/v1/users/" + quiet.userId(), new JsonObject().put("phone", "+31611122244")).expect(200).json()
        .getString("phone")).isEqualTo("+31611122244");
    assertThat(outsider.patch("/api/v1/users/" + quiet.userId(), new JsonObject().put("phone", "+31611122255")).status()).isEqualTo(403);
    assertThat(hub.admin().get("/api/v1/users/" + quiet.userId()).json().getString("phone")).isEqualTo("+31611122244");
    hub.admin().patch("/api/v1/users/" + quiet.userId(), new JsonObject().putNull("phone")).expect(200);
  }
}
