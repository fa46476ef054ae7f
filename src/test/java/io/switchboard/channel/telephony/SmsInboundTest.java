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

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static io.switchboard.channel.telephony.TwilioWebhooks.params;
import static org.assertj.core.api.Assertions.assertThat;

@WithHub({"http.public_url=" + TwilioWebhooks.PUBLIC, "http.cookie_secure=false", "twilio.media_timeout_ms=1500",
    "twilio.media_max_bytes=1000"})
class SmsInboundTest {

  static final String ACCOUNT = "AC" + "1".repeat(32);
  static final String TOKEN = "sales-auth-token";
  static final String PRIMARY = "+14155550100";
  static final String SECOND = "+14155550101";
  static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

  static FakeTwilio twilio;
  static TestHub hub;
  static TwilioWebhooks hooks;
  static long sales;
  static ApiClient member;
  static ApiClient outsider;

  /** The provider is a stand-in on this machine. */
  @HubConfig
  static Map<String, Object> config() {
    twilio = new FakeTwilio();
    return Map.of("twilio.api_base", twilio.base());
  }

  @BeforeAll
  static void setUp() {
    hooks = new TwilioWebhooks(hub);
    sales = hub.inbox("SMS Sales");
    long other = hub.inbox("SMS Other");
    for (String number : new String[] {PRIMARY, SECOND}) {
      hub.admin().post("/api/v1/inboxes/" + sales + "/endpoints", new JsonObject().put("channel", "phone").put("address", number)
          .put("settings", new JsonObject().put("account_sid", ACCOUNT).put("auth_token", TOKEN))).expect(201);
    }
    member = hub.user("sms-member@example.com", "agent");
    hub.member(sales, member.userId());
    outsider = hub.user("sms-outsider@example.com", "agent");
    hub.member(other, outsider.userId());
  }

  @AfterAll
  static void stop() {
    twilio.close();
  }

  static Map<String, String> sms(String sid, String from, String to, String body) {
    return params("MessageSid", sid, "SmsSid", sid, "AccountSid", ACCOUNT, "From", from, "To", to, "Body", body,
        "NumMedia", "0", "NumSegments", "1", "FromCountry", "US", "ApiVersion", "2010-04-01");
  }

  @Test
  @DisplayName("an SMS to an inbox's second number lands in that inbox, live for its members and for no one else, answered with empty TwiML")
  void smsToSecondNumber() {
    try (LiveClient mine = LiveClient.agent(hub, member); LiveClient theirs = LiveClient.agent(hub, outsider)) {
      mine.awaitType("hello");
      theirs.awaitType("hello");
      String sid = FakeTwilio.newSid("SM");
      HttpResponse<String> r = hooks.post("/hooks/twilio/sms", TOKEN, sms(sid, "+15005550006", SECOND, "Is the shop open on Sunday?"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/xml");
      assertThat(r.body()).isEqualTo(EMPTY_TWIML);

      JsonObject created = mine.await(f -> "message.created".equals(f.getString("type"))
          && sid.equals(f.getJsonObject("data").getJsonObject("activity").getString("provider_id")), Duration.ofSeconds(10));
      assertThat(created.getLong("inbox")).isEqualTo(sales);
      assertThat(created.getJsonObject("data").getJsonObject("activity").getString("text")).isEqualTo("Is the shop open on Sunday?");

      JsonArray list = member.get("/api/v1/conversations?inbox=" + sales).expect(200).items();
      JsonObject conv = list.stream().map(o -> (JsonObject) o)
          .filter(c -> "+15005550006".equals(c.getString("contact_address"))).findFirst().orElseThrow();
      assertThat(conv.getString("channel")).isEqualTo("phone");
      assertThat(conv.getJsonObject("endpoint").getString("address")).isEqualTo(SECOND);
      assertThat(conv.getJsonObject("contact").getString("phone")).isEqualTo("+15005550006");
      // the admin created the inbox and is a member too
      assertThat(hub.admin().get("/api/v1/conversations/" + conv.getLong("id")).status()).isEqualTo(200);

      assertThat(outsider.get("/api/v1/conversations/" + conv.getLong("id")).status()).isEqualTo(404);
      assertThat(outsider.get("/api/v1/conversations").expect(200).items()).isEmpty();
      assertThat(theirs.collect(f -> "message.created".equals(f.getString("type")), Duration.ofSeconds(1))).isEmpty();
    }
  }

  @Test
  @DisplayName("a redelivered MessageSid is acknowledged again and stored once")
  void redelivery() throws Exception {
    String sid = FakeTwilio.newSid("SM");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = hooks.post("/hooks/twilio/sms", TOKEN, sms(sid, "+15005550007", PRIMARY, "once"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(EMPTY_TWIML);
    }
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = '" + sid + "'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a missing or wrong signature is refused with 403 and nothing is stored")
  void badSignature() throws Exception {
    String sid = FakeTwilio.newSid("SM");
    Map<String, String> p = sms(sid, "+15005550008", PRIMARY, "forged");
    assertThat(hooks.postSigned("/hooks/twilio/sms", p, null).statusCode()).isEqualTo(403);
    assertThat(hooks.post("/hooks/twilio/sms", "another-token", p).statusCode()).isEqualTo(403);
    // signed for a different URL
    assertThat(hooks.postSigned("/hooks/twilio/sms", p, TwilioWebhooks.sign(TOKEN, "https://evil.example.com/hooks/twilio/sms", p)).statusCode())
        .isEqualTo(403);
    // signed, then a parameter changed on the way
    String good = TwilioWebhooks.sign(TOKEN, TwilioWebhooks.PUBLIC + "/hooks/twilio/sms", p);
    Map<String, String> changed = sms(sid, "+15005550008", PRIMARY, "forged, changed");
    HttpResponse<String> r = hooks.postSigned("/hooks/twilio/sms", changed, good);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("forbidden");

    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = '" + sid + "'")).isZero();
    assertThat(count("SELECT count(*) FROM contact WHERE phone = '+15005550008'")).isZero();
  }

  @Test
  @DisplayName("a signature over the public URL with the default port written out is accepted too")
  void defaultPort() {
    String sid = FakeTwilio.newSid("SM");
    Map<String, String> p = sms(sid, "+15005550009", PRIMARY, "port");
    String sig = TwilioWebhooks.sign(TOKEN, "https://hub.example.com:443/hooks/twilio/sms", p);
    assertThat(hooks.postSigned("/hooks/twilio/sms", p, sig).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an SMS to a number no inbox has is a 404 and creates no contact")
  void unknownNumber() throws Exception {
    HttpResponse<String> r = hooks.post("/hooks/twilio/sms", TOKEN, sms(FakeTwilio.newSid("SM"), "+15005550010", "+14155550199", "hello?"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("+14155550199");
    assertThat(count("SELECT count(*) FROM contact WHERE phone = '+15005550010'")).isZero();
  }

  @Test
  @DisplayName("missing parameters and numbers not in E.164 are 400 naming the parameter, and store nothing")
  void badParameters() throws Exception {
    Map<String, String> noTo = sms(FakeTwilio.newSid("SM"), "+15005550011", PRIMARY, "x");
    noTo.remove("To");
    assertThat(field(hooks.post("/hooks/twilio/sms", TOKEN, noTo))).isEqualTo("To");

    assertThat(field(hooks.post("/hooks/twilio/sms", TOKEN, sms(FakeTwilio.newSid("SM"), "+15005550011", "4155550100", "x"))))
        .isEqualTo("To");
    assertThat(field(hooks.post("/hooks/twilio/sms", TOKEN, sms(FakeTwilio.newSid("SM"), "0612345678", PRIMARY, "x"))))
        .isEqualTo("From");

    Map<String, String> noSid = sms("x", "+15005550011", PRIMARY, "x");
    noSid.remove("MessageSid");
    noSid.remove("SmsSid");
    assertThat(field(hooks.post("/hooks/twilio/sms", TOKEN, noSid))).isEqualTo("MessageSid");

    Map<String, String> mediaWithoutUrl = sms(FakeTwilio.newSid("SM"), "+15005550011", PRIMARY, "x");
    mediaWithoutUrl.put("NumMedia", "1");
    assertThat(field(hooks.post("/hooks/twilio/sms", TOKEN, mediaWithoutUrl))).isEqualTo("MediaUrl0");

    assertThat(count("SELECT count(*) FROM contact WHERE phone = '+15005550011'")).isZero();
  }

  @Test
  @DisplayName("a body over the size limit is 413")
  void oversized() {
    Map<String, String> p = sms(FakeTwilio.newSid("SM"), "+15005550012", PRIMARY, "x".repeat(1_100_000));
    assertThat(hooks.post("/hooks/twilio/sms", TOKEN, p).statusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName("MMS media are fetched with the account's credentials and stored; one that cannot be fetched keeps the message with a failed attachment")
  void mmsMedia() {
    byte[] picture = "pretend this is a JPEG".getBytes(StandardCharsets.UTF_8);
    String sid = FakeTwilio.newSid("MM");
    String mediaPath = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + sid + "/Media/ME" + "a".repeat(32);
    twilio.serve(mediaPath, picture, "image/jpeg");
    Map<String, String> p = sms(sid, "+15005550013", PRIMARY, "see attached");
    p.put("NumMedia", "2");
    p.put("MediaUrl0", twilio.base() + mediaPath);
    p.put("MediaContentType0", "image/jpeg");
    p.put("MediaUrl1", twilio.base() + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + sid + "/Media/MEgone");
    p.put("MediaContentType1", "image/png");
    assertThat(hooks.post("/hooks/twilio/sms", TOKEN, p).statusCode()).isEqualTo(200);

    FakeTwilio.Received fetch = twilio.await(r -> r.path().equals(mediaPath), Duration.ofSeconds(5));
    assertThat(fetch.headers().get("authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));

    JsonObject activity = activityBySid(member, sid);
    assertThat(activity.getString("text")).isEqualTo("see attached");
    JsonArray files = activity.getJsonArray("attachments");
    assertThat(files).hasSize(2);
    JsonObject stored = files.getJsonObject(0);
    assertThat(stored.getString("status")).isEqualTo("stored");
    assertThat(stored.getString("content_type")).isEqualTo("image/jpeg");
    assertThat(stored.getString("filename")).endsWith(".jpg");
    assertThat(stored.getLong("size")).isEqualTo(picture.length);
    ApiClient.Response download = member.get(stored.getString("url"));
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.body()).isEqualTo("pretend this is a JPEG");

    JsonObject failed = files.getJsonObject(1);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("error")).contains("404");
  }

  @Test
  @DisplayName("media over the size limit or from a host that does not answer in time are marked failed, and the message is kept")
  void mediaLimits() {
    String sid = FakeTwilio.newSid("MM");
    String big = "/media/" + sid + "/big";
    String stalled = "/media/" + sid + "/stalled";
    twilio.serve(big, new byte[1001], "image/png");
    twilio.hang(stalled);
    Map<String, String> p = sms(sid, "+15005550014", PRIMARY, "two that fail");
    p.put("NumMedia", "2");
    p.put("MediaUrl0", twilio.base() + big);
    p.put("MediaContentType0", "image/png");
    p.put("MediaUrl1", twilio.base() + stalled);
    p.put("MediaContentType1", "image/gif");
    assertThat(hooks.post("/hooks/twilio/sms", TOKEN, p).statusCode()).isEqualTo(200);
    JsonArray files = activityBySid(member, sid).getJsonArray("attachments");
    assertThat(files.getJsonObject(0).getString("status")).isEqualTo("failed");
    assertThat(files.getJsonObject(0).getString("error")).contains("larger than");
    assertThat(files.getJsonObject(1).getString("status")).isEqualTo("failed");
    assertThat(files.getJsonObject(1).getString("error")).contains("no answer within 1500 ms");
  }

  /** The activity with this provider id in the member's conversations. */
  static JsonObject activityBySid(ApiClient client, String sid) {
    for (Object o : client.get("/api/v1/conversations?limit=200").expect(200).items()) {
      long id = ((JsonObject) o).getLong("id");
      for (Object a : client.get("/api/v1/conversations/" + id + "/activities?limit=200").expect(200).items()) {
        if (sid.equals(((JsonObject) a).getString("provider_id"))) return (JsonObject) a;
      }
    }
    throw new AssertionError("no activity with provider id " + sid);
  }

  private static String field(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    return new JsonObject(r.body()).getJsonObject("error").getString("field");
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("an SMS with NUL characters PostgreSQL cannot store is stored cleaned, says so, and is acknowledged")
  void unstorableText() throws Exception {
    String sid = FakeTwilio.newSid("SM");
    HttpResponse<String> r = hooks.post("/hooks/twilio/sms", TOKEN, sms(sid, "+15005550031", PRIMARY, "half\u0000way"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(EMPTY_TWIML);
    JsonObject a = activityBySid(member, sid);
    assertThat(a.getString("text")).isEqualTo("halfway");
    assertThat(a.getJsonObject("data").getJsonArray("cleaned")).contains("text");
    // a redelivery of the same is acknowledged and stored once
    assertThat(hooks.post("/hooks/twilio/sms", TOKEN, sms(sid, "+15005550031", PRIMARY, "half\u0000way")).statusCode()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = '" + sid + "'")).isEqualTo(1);
  }
}
