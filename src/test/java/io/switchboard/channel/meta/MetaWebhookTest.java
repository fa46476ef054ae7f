package io.switchboard.channel.meta;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import static io.switchboard.channel.meta.MetaPayloads.APP_SECRET;
import static io.switchboard.channel.meta.MetaPayloads.contact;
import static io.switchboard.channel.meta.MetaPayloads.sign;
import static io.switchboard.channel.meta.MetaPayloads.text;
import static io.switchboard.channel.meta.MetaPayloads.whatsapp;
import static org.assertj.core.api.Assertions.assertThat;

/** Meta's webhooks as Meta sends them: signed JSON, several entries, redeliveries, and the shapes we do not handle. */
@WithHub({"meta.app_secret=" + APP_SECRET, "meta.verify_token=verify-me", "outbox.backoff_ms=200"})
class MetaWebhookTest {

  static GraphServer graph;
  static TestHub hub;
  static long waInbox;
  static long pageInbox;
  static long igInbox;
  static final HttpClient http = HttpClient.newHttpClient();

  /** The Graph API is a stand-in on this machine. */
  @HubConfig
  static Map<String, Object> config() throws Exception {
    graph = new GraphServer("wa-token");
    return Map.of("meta.graph_base", graph.base());
  }

  @BeforeAll
  static void setUp() {
    waInbox = hub.inbox("WhatsApp Sales");
    pageInbox = hub.inbox("Facebook Page");
    igInbox = hub.inbox("Instagram DMs");
    endpoint(waInbox, "whatsapp", "1100001", "wa-token");
    endpoint(pageInbox, "messenger", "2200002", "page-token");
    endpoint(igInbox, "instagram", "3300003", "ig-token");
  }

  @AfterAll
  static void stop() throws Exception {
    graph.close();
  }

  static void endpoint(long inbox, String channel, String address, String token) {
    hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", channel).put("address", address)
        .put("settings", new JsonObject().put("access_token", token))).expect(201);
  }

  static HttpResponse<String> post(byte[] body, String signature) throws Exception {
    return MetaPayloads.post(hub, body, signature);
  }

  static JsonObject deliver(String json) throws Exception {
    return MetaPayloads.deliver(hub, json);
  }

  static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static JsonObject created(LiveClient agent, String text) {
    return agent.await(f -> "message.created".equals(f.getString("type"))
        && text.equals(f.getJsonObject("data").getJsonObject("activity").getString("text")), Duration.ofSeconds(10));
  }

  static JsonObject conversationOf(String channel, String contactAddress) {
    for (Object o : hub.admin().get("/api/v1/conversations?channel=" + channel + "&limit=200").expect(200).items()) {
      JsonObject c = (JsonObject) o;
      if (contactAddress.equals(c.getString("contact_address"))) return c;
    }
    throw new AssertionError("no " + channel + " conversation with " + contactAddress);
  }

  @Test
  @DisplayName("Meta's subscription check gets the challenge back only with the right verify token")
  void verification() throws Exception {
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(hub.base()
        + "/hooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");
    assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    for (String q : new String[] {"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", "hub.verify_token=verify-me&hub.challenge=1",
        "hub.mode=subscribe&hub.challenge=1"}) {
      assertThat(http.send(HttpRequest.newBuilder(URI.create(hub.base() + "/hooks/meta?" + q)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as(q).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("a signed WhatsApp delivery lands in the number's inbox with the profile name, its photo stored; a redelivery is stored once")
  void whatsappInbound() throws Exception {
    graph.files.put("media-photo1", Buffer.buffer("JPEG-BYTES-1"));
    // Meta escapes non-ASCII in the bytes it signs: the signature must be checked on exactly those bytes
    String payload = whatsapp("1100001", contact("31611110001", "NAMEHOLDER"), new JsonArray()
        .add(text("wamid.IN-1", "31611110001", "PLACEHOLDER"))
        .add(new JsonObject().put("from", "31611110001").put("id", "wamid.IN-2").put("timestamp", "1700000000").put("type", "image")
            .put("image", new JsonObject().put("id", "media-photo1").put("mime_type", "image/jpeg").put("caption", "the broken part"))), null)
        .replace("PLACEHOLDER", "Hola \\ud83d\\ude00 my order #12 arrived damaged").replace("NAMEHOLDER", "Mar\\u00eda Garc\\u00eda");
    try (LiveClient agent = LiveClient.agent(hub, hub.admin())) {
      agent.awaitType("hello");
      JsonObject answer = deliver(payload);
      assertThat(answer.getInteger("stored")).isEqualTo(2);
      JsonObject first = created(agent, "Hola \uD83D\uDE00 my order #12 arrived damaged");
      assertThat(first.getLong("inbox")).isEqualTo(waInbox);
      JsonObject conversation = first.getJsonObject("data").getJsonObject("conversation");
      assertThat(conversation.getJsonObject("contact").getString("name")).isEqualTo("María García");
      assertThat(conversation.getJsonObject("contact").getString("phone")).isEqualTo("+31611110001");
      JsonObject photo = created(agent, "the broken part").getJsonObject("data").getJsonObject("activity");
      JsonObject attachment = photo.getJsonArray("attachments").getJsonObject(0);
      assertThat(attachment.getString("status")).isEqualTo("stored");
      assertThat(attachment.getString("content_type")).isEqualTo("image/jpeg");
      assertThat(hub.admin().get(attachment.getString("url")).body()).isEqualTo("JPEG-BYTES-1");
    }
    assertThat(graph.calls(c -> c.path().endsWith("/media-photo1") || c.path().endsWith("/cdn/wa/media-photo1")))
        .hasSize(2).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer wa-token"));

    JsonObject again = deliver(payload);
    assertThat(again.getInteger("duplicates")).isEqualTo(2);
    assertThat(again.getInteger("stored")).isZero();
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id IN ('wamid.IN-1', 'wamid.IN-2')")).isEqualTo(2);
    assertThat(graph.calls(c -> c.path().endsWith("/media-photo1"))).as("no second lookup or download").hasSize(2);
  }

  @Test
  @DisplayName("a wrong, missing or other app's signature is 403 and stores nothing")
  void badSignatures() throws Exception {
    byte[] body = whatsapp("1100001", contact("31622220002", "Mallory"), new JsonArray().add(text("wamid.BAD-1", "31622220002", "forged")), null)
        .getBytes(StandardCharsets.UTF_8);
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("forged", "forgeD").getBytes(StandardCharsets.UTF_8);
    long before = count("SELECT count(*) FROM activity") + count("SELECT count(*) FROM contact");
    assertThat(post(body, null).statusCode()).isEqualTo(403);
    assertThat(post(body, sign(body, "another-app-secret")).statusCode()).isEqualTo(403);
    assertThat(post(tampered, sign(body, APP_SECRET)).statusCode()).isEqualTo(403);
    assertThat(post(body, sign(body, APP_SECRET).replace("sha256=", "sha1=")).statusCode()).isEqualTo(403);
    assertThat(count("SELECT count(*) FROM activity") + count("SELECT count(*) FROM contact")).isEqualTo(before);
  }

  @Test
  @DisplayName("shapes we do not handle are answered 200 and store nothing; good entries beside them are stored")
  void unknownShapes() throws Exception {
    long before = count("SELECT count(*) FROM activity");
    deliver("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"account_update\",\"value\":{}}]}]}");
    deliver("{\"object\":\"user\",\"entry\":[{\"id\":\"1\"}]}");
    deliver("this is not json");
    deliver("{\"object\":\"page\"}");
    deliver(whatsapp("1100001", null, new JsonArray().add(new JsonObject().put("id", "wamid.NOFROM").put("type", "text")), null));
    deliver("{\"object\":\"page\",\"entry\":[{\"id\":\"2200002\",\"messaging\":[{\"sender\":{\"id\":\"9001\"},\"reaction\":{\"mid\":\"x\"}}]}]}");
    assertThat(count("SELECT count(*) FROM activity")).isEqualTo(before);

    JsonObject two = new JsonObject(whatsapp("1100001", contact("31633330003", "Bram"),
        new JsonArray().add(text("wamid.MULTI-1", "31633330003", "first of two entries")), null));
    JsonObject unknownNumber = new JsonObject(whatsapp("9999999", null, new JsonArray().add(text("wamid.MULTI-2", "31633330003", "lost")), null));
    two.getJsonArray("entry").add(unknownNumber.getJsonArray("entry").getJsonObject(0));
    JsonObject answer = deliver(two.encode());
    assertThat(answer.getInteger("stored")).isEqualTo(1);
    assertThat(answer.getInteger("skipped")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = 'wamid.MULTI-1'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a WhatsApp photo that cannot be fetched keeps its message, with the attachment marked failed")
  void failedMedia() throws Exception {
    deliver(whatsapp("1100001", contact("31644440004", "Pim"), new JsonArray().add(new JsonObject().put("from", "31644440004")
        .put("id", "wamid.NOMEDIA").put("timestamp", "1700000000").put("type", "document")
        .put("document", new JsonObject().put("id", "media-gone").put("mime_type", "application/pdf").put("filename", "invoice.pdf")
            .put("caption", "my invoice"))), null));
    JsonObject conversation = conversationOf("whatsapp", "31644440004");
    JsonObject activity = hub.admin().get("/api/v1/conversations/" + conversation.getLong("id") + "/activities").expect(200).items().getJsonObject(0);
    assertThat(activity.getString("text")).isEqualTo("my invoice");
    JsonObject file = activity.getJsonArray("attachments").getJsonObject(0);
    assertThat(file.getString("status")).isEqualTo("failed");
    assertThat(file.getString("filename")).isEqualTo("invoice.pdf");
    assertThat(file.getString("error")).contains("could not be fetched");
  }

  @Test
  @DisplayName("Messenger and Instagram messages land in their inboxes with names from the profile; echoes are ignored")
  void messengerAndInstagram() throws Exception {
    graph.profiles.put("9001", new JsonObject().put("first_name", "Ada").put("last_name", "Lovelace"));
    graph.profiles.put("7001", new JsonObject().put("username", "grace.codes"));
    graph.files.put("sticker.png", Buffer.buffer("PNG"));
    long now = System.currentTimeMillis();
    String page = new JsonObject().put("object", "page").put("entry", new JsonArray().add(new JsonObject().put("id", "2200002").put("time", now)
        .put("messaging", new JsonArray()
            .add(new JsonObject().put("sender", new JsonObject().put("id", "9001")).put("recipient", new JsonObject().put("id", "2200002"))
                .put("timestamp", now).put("message", new JsonObject().put("mid", "m_IN-1").put("text", "Do you ship to Ghent?")
                    .put("attachments", new JsonArray().add(new JsonObject().put("type", "image")
                        .put("payload", new JsonObject().put("url", graph.base() + "/cdn/sticker.png"))))))
            .add(new JsonObject().put("sender", new JsonObject().put("id", "2200002")).put("recipient", new JsonObject().put("id", "9001"))
                .put("timestamp", now).put("message", new JsonObject().put("mid", "m_ECHO").put("text", "an echo").put("is_echo", true)))))).encode();
    String ig = new JsonObject().put("object", "instagram").put("entry", new JsonArray().add(new JsonObject().put("id", "3300003").put("time", now)
        .put("messaging", new JsonArray().add(new JsonObject().put("sender", new JsonObject().put("id", "7001"))
            .put("recipient", new JsonObject().put("id", "3300003")).put("timestamp", now)
            .put("message", new JsonObject().put("mid", "ig_IN-1").put("text", "Love the new colours!")))))).encode();
    try (LiveClient agent = LiveClient.agent(hub, hub.admin())) {
      agent.awaitType("hello");
      deliver(page);
      JsonObject m = created(agent, "Do you ship to Ghent?");
      assertThat(m.getLong("inbox")).isEqualTo(pageInbox);
      assertThat(m.getJsonObject("data").getJsonObject("conversation").getJsonObject("contact").getString("name")).isEqualTo("Ada Lovelace");
      JsonObject file = m.getJsonObject("data").getJsonObject("activity").getJsonArray("attachments").getJsonObject(0);
      assertThat(file.getString("filename")).isEqualTo("sticker.png");
      assertThat(hub.admin().get(file.getString("url")).body()).isEqualTo("PNG");
      deliver(ig);
      JsonObject i = created(agent, "Love the new colours!");
      assertThat(i.getLong("inbox")).isEqualTo(igInbox);
      assertThat(i.getJsonObject("data").getJsonObject("conversation").getJsonObject("contact").getString("name")).isEqualTo("grace.codes");
    }
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = 'm_ECHO' OR text = 'an echo'")).isZero();
    assertThat(graph.calls(c -> c.path().endsWith("/9001"))).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer page-token"));
  }

  @Test
  @DisplayName("a WhatsApp text with NUL and a 6,000-character message id are stored, not skipped; a redelivery is stored once")
  void unstorableInput() throws Exception {
    String longId = "wamid." + "L".repeat(6000);
    String payload = whatsapp("1100001", contact("31611110009", "Nul Sender"), new JsonArray()
        .add(text("wamid.NUL-1", "31611110009", "zero\u0000byte"))
        .add(text(longId, "31611110009", "a very long id")), null);
    JsonObject answer = deliver(payload);
    assertThat(answer.getInteger("stored")).as(answer.encode()).isEqualTo(2);
    assertThat(answer.getInteger("skipped")).isZero();
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = 'wamid.NUL-1' AND text = 'zerobyte'"
        + " AND data->'cleaned' ? 'text'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM activity WHERE text = 'a very long id' AND provider_id LIKE 'sha256:%'"
        + " AND data->>'provider_id_full' = '" + longId + "'")).isEqualTo(1);
    JsonObject again = deliver(payload);
    assertThat(again.getInteger("duplicates")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM activity WHERE text IN ('zerobyte', 'a very long id')")).isEqualTo(2);
  }
}
