package io.switchboard.channel.email;

import com.sun.net.httpserver.HttpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies leave through the endpoint's SMTP server (a GreenMail server here) and the customer's answers thread. */
@WithHub("outbox.backoff_ms=60000")
class EmailReplyTest {

  static GreenMail customerServer;
  static TestHub hub;
  static long inbox;

  @BeforeAll
  static void setUp() {
    customerServer = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    customerServer.start();
    inbox = hub.inbox("Replies");
    Mail.endpoint(hub, inbox, "support@acme.test", new JsonObject().put("smtp", new JsonObject()
        .put("host", "127.0.0.1").put("port", customerServer.getSmtp().getPort()).put("security", "none")));
    hub.admin().patch("/api/v1/endpoints/" + endpointId("support@acme.test"), new JsonObject().put("name", "Équipe Acme"))
        .expect(200);
  }

  @AfterAll
  static void stop() {
    customerServer.stop();
  }

  @Test
  @DisplayName("a reply reaches the customer's server with From, Message-ID, In-Reply-To, References and a file; the answer joins the conversation")
  void replyThreads() throws Exception {
    Session s = Mail.session(hub);
    MimeMessage question = Mail.message(s, "Carla <carla@customer.test>", "support@acme.test", "Where is my order?",
        "I ordered last week.");
    Mail.send(s, question);
    String questionId = MessageIds.one(question.getMessageID());
    ApiClient admin = hub.admin();
    long conv = conversation("Where is my order?");

    long file = admin.send("POST", "/api/v1/attachments?filename=label.txt", "tracking 42", "text/plain").json().getLong("id");
    JsonObject reply = admin.post("/api/v1/conversations/" + conv + "/messages",
        new JsonObject().put("text", "It ships today.").put("attachments", new JsonArray().add(file))).expect(201).json();
    JsonObject sent = Eventually.found("the reply to be sent", 20_000, 100, () -> {
      JsonObject a = activity(conv, reply.getLong("id"));
      return "sent".equals(a.getString("status")) ? a : null;
    });
    assertThat(customerServer.waitForIncomingEmail(10_000, 1)).isTrue();
    MimeMessage got = Arrays.stream(customerServer.getReceivedMessages())
        .filter(m -> header(m, "In-Reply-To") != null && header(m, "In-Reply-To").contains(questionId)).findFirst().orElseThrow();
    InternetAddress from = (InternetAddress) got.getFrom()[0];
    assertThat(from.getAddress()).isEqualTo("support@acme.test");
    assertThat(from.getPersonal()).isEqualTo("Équipe Acme");
    assertThat(got.getRecipients(Message.RecipientType.TO)[0].toString()).contains("carla@customer.test");
    assertThat(got.getSubject()).isEqualTo("Re: Where is my order?");
    String replyId = MessageIds.one(got.getMessageID());
    assertThat(replyId).isEqualTo(sent.getString("provider_id"));
    assertThat(header(got, "In-Reply-To")).isEqualTo("<" + questionId + ">");
    assertThat(header(got, "References")).contains("<" + questionId + ">");
    String replyTo = ((InternetAddress) got.getReplyTo()[0]).getAddress();
    assertThat(replyTo).matches("support\\+[A-Za-z0-9_-]{8,}@acme\\.test");
    assertThat(attachmentNames(got)).containsExactly("label.txt");

    // the customer answers the reply: In-Reply-To and References point at the hub's Message-ID
    MimeMessage answer = Mail.message(s, "carla@customer.test", replyTo, "Re: Where is my order?", "Great, thanks!");
    answer.setHeader("In-Reply-To", "<" + replyId + ">");
    answer.setHeader("References", "<" + questionId + "> <" + replyId + ">");
    Mail.send(s, answer);
    // a client that drops the threading headers still reaches the conversation through the Reply-To token
    MimeMessage viaToken = Mail.message(s, "carla@customer.test", replyTo, "One more thing", "Can you gift-wrap it?");
    Mail.send(s, viaToken);
    JsonArray history = Mail.activities(admin, conv);
    assertThat(history.stream().map(o -> ((JsonObject) o).getString("text")))
        .containsExactly("Can you gift-wrap it?", "Great, thanks!", "It ships today.", "I ordered last week.");

    // a new subject without any thread hint opens a new conversation
    Mail.send(s, Mail.message(s, "carla@customer.test", "support@acme.test", "A different question", "Do you ship to Norway?"));
    assertThat(conversation("A different question")).isNotEqualTo(conv);
    // someone else quoting the hub's reply does not join Carla's conversation
    MimeMessage stranger = Mail.message(s, "dan@elsewhere.test", "support@acme.test", "Re: Where is my order?", "Me too?");
    stranger.setHeader("References", "<" + replyId + ">");
    Mail.send(s, stranger);
    assertThat(Mail.conversations(admin, inbox).stream().map(o -> (JsonObject) o)
        .filter(c -> c.getJsonObject("contact").getString("email").equals("dan@elsewhere.test"))
        .map(c -> c.getLong("id")).findFirst().orElseThrow()).isNotEqualTo(conv);
  }

  @Test
  @DisplayName("an SMTP refusal (5xx) fails a reply for good with the server's words; an unreachable server is retried")
  void sendFailures() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    // the hub's own listener refuses recipients that are not its endpoints: a real 550
    long refusing = endpoint("refusing@acme.test", hub.switchboard.node().state().smtpPort());
    long unreachable = endpoint("unreachable@acme.test", closed);
    Session s = Mail.session(hub);
    Mail.send(s, Mail.message(s, "erin@customer.test", "refusing@acme.test", "Refused reply", "hello"));
    Mail.send(s, Mail.message(s, "finn@customer.test", "unreachable@acme.test", "Unreachable reply", "hello"));
    ApiClient admin = hub.admin();

    long c1 = conversation("Refused reply");
    long a1 = admin.post("/api/v1/conversations/" + c1 + "/messages", new JsonObject().put("text", "answer")).expect(201).json().getLong("id");
    JsonObject failed = Eventually.found("the refusal", 20_000, 100, () -> {
      JsonObject a = activity(c1, a1);
      return "failed".equals(a.getString("status")) ? a : null;
    });
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("smtp_550");
    assertThat(failed.getJsonObject("error").getString("message")).contains("550").contains("no such mailbox");
    assertThat(failed.getJsonObject("delivery").getString("explanation"))
        .isEqualTo("The mail server refused the recipient's address. Check the contact's e-mail address.");

    long c2 = conversation("Unreachable reply");
    long a2 = admin.post("/api/v1/conversations/" + c2 + "/messages", new JsonObject().put("text", "answer")).expect(201).json().getLong("id");
    JsonObject retrying = Eventually.found("the first failed attempt", 20_000, 100, () -> {
      JsonObject a = activity(c2, a2);
      return a.getJsonObject("error") != null ? a : null;
    });
    assertThat(retrying.getString("status")).isEqualTo("queued");
    assertThat(retrying.getJsonObject("error").getString("code")).isEqualTo("smtp_unreachable");
    assertThat(retrying.getJsonObject("data").getBoolean("retrying")).isTrue();
    assertThat(retrying.getJsonObject("delivery").getBoolean("retrying")).isTrue();
    assertThat(retrying.getJsonObject("delivery").getString("explanation"))
        .startsWith("The mail server could not be reached. An admin can check the outgoing mail server (SMTP) settings.");
    assertThat(refusing).isNotEqualTo(unreachable);
  }

  @Test
  @DisplayName("replies can sign in with an OAuth2 token (SASL XOAUTH2); a refused token fails the reply for good")
  void oauth2() throws Exception {
    customerServer.setUser("oauth@acme.test", "oauth@acme.test", "ya29.token");
    for (String token : new String[] {"ya29.token", "expired"}) {
      String address = token.equals("expired") ? "oauth-old@acme.test" : "oauth@acme.test";
      Mail.endpoint(hub, inbox, address, new JsonObject().put("smtp", new JsonObject().put("host", "127.0.0.1")
          .put("port", customerServer.getSmtp().getPort()).put("security", "none").put("username", "oauth@acme.test")
          .put("oauth2_token", token)));
      Session s = Mail.session(hub);
      String subject = "OAuth " + token;
      Mail.send(s, Mail.message(s, "ivy@customer.test", address, subject, "hello"));
      long conv = conversation(subject);
      long id = hub.admin().post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "hi Ivy"))
          .expect(201).json().getLong("id");
      JsonObject done = Eventually.found("the reply's outcome", 20_000, 100, () -> {
        JsonObject a = activity(conv, id);
        return "sent".equals(a.getString("status")) || "failed".equals(a.getString("status")) ? a : null;
      });
      if (token.equals("expired")) {
        assertThat(done.getString("status")).isEqualTo("failed");
        assertThat(done.getJsonObject("error").getString("code")).startsWith("smtp_5");
      } else {
        assertThat(done.getString("status")).as(done.encode()).isEqualTo("sent");
      }
    }
  }

  @Test
  @DisplayName("with an oauth2 block, replies sign in with access tokens refreshed from the provider's token endpoint; "
      + "a rotated refresh token is stored and used; a refused refresh fails the reply with the provider's reason")
  void oauth2Refresh() throws Exception {
    List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
    Map<String, String> answers = new ConcurrentHashMap<>();
    answers.put("rt-a", "{\"access_token\":\"at-a1\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
    // expires within the hub's one-minute margin, so every use refreshes; the provider rotates the refresh token
    answers.put("rt-b", "{\"access_token\":\"at-b1\",\"expires_in\":30,\"refresh_token\":\"rt-b2\"}");
    answers.put("rt-b2", "400 {\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");
    HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    provider.createContext("/token", x -> {
      Map<String, String> form = new HashMap<>();
      for (String pair : new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        String[] kv = pair.split("=", 2);
        form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
      form.put("content-type", x.getRequestHeaders().getFirst("Content-Type"));
      asked.add(form);
      String answer = answers.getOrDefault(form.get("refresh_token"), "400 {\"error\":\"invalid_grant\"}");
      int status = answer.startsWith("400 ") ? 400 : 200;
      byte[] body = (status == 400 ? answer.substring(4) : answer).getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(status, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    provider.start();
    try {
      String tokenUrl = "http://127.0.0.1:" + provider.getAddress().getPort() + "/token";
      // the mail server knows only the access tokens the provider hands out, never the refresh tokens
      customerServer.setUser("refresh-a@acme.test", "refresh-a@acme.test", "at-a1");
      customerServer.setUser("refresh-b@acme.test", "refresh-b@acme.test", "at-b1");
      for (String who : new String[] {"a", "b"}) {
        JsonObject ep = Mail.endpoint(hub, inbox, "refresh-" + who + "@acme.test", new JsonObject()
            .put("smtp", new JsonObject().put("host", "127.0.0.1").put("port", customerServer.getSmtp().getPort())
                .put("security", "none").put("username", "refresh-" + who + "@acme.test"))
            .put("oauth2", new JsonObject().put("token_url", tokenUrl).put("client_id", "client-" + who)
                .put("client_secret", "shh-" + who).put("refresh_token", "rt-" + who)));
        assertThat(ep.encode()).doesNotContain("shh-" + who).doesNotContain("rt-" + who);
      }

      Session s = Mail.session(hub);
      Mail.send(s, Mail.message(s, "jo@customer.test", "refresh-a@acme.test", "Refresh A", "hello"));
      long convA = conversation("Refresh A");
      for (int i = 1; i <= 2; i++) {
        long id = hub.admin().post("/api/v1/conversations/" + convA + "/messages", new JsonObject().put("text", "answer " + i))
            .expect(201).json().getLong("id");
        JsonObject done = outcome(convA, id);
        assertThat(done.getString("status")).as(done.encode()).isEqualTo("sent");
      }
      // one refresh served both replies: the token is kept until shortly before it expires
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0)).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "rt-a")
          .containsEntry("client_id", "client-a").containsEntry("client_secret", "shh-a");
      assertThat(asked.get(0).get("content-type")).startsWith("application/x-www-form-urlencoded");

      Mail.send(s, Mail.message(s, "kim@customer.test", "refresh-b@acme.test", "Refresh B", "hello"));
      long convB = conversation("Refresh B");
      long first = hub.admin().post("/api/v1/conversations/" + convB + "/messages", new JsonObject().put("text", "first"))
          .expect(201).json().getLong("id");
      assertThat(outcome(convB, first).getString("status")).isEqualTo("sent");
      long b = endpointId("refresh-b@acme.test");
      try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement()
          .executeQuery("SELECT secrets #>> '{oauth2,refresh_token}' FROM endpoint WHERE id = " + b)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("rt-b2");
      }
      long second = hub.admin().post("/api/v1/conversations/" + convB + "/messages", new JsonObject().put("text", "second"))
          .expect(201).json().getLong("id");
      JsonObject failed = outcome(convB, second);
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("oauth2_refused");
      assertThat(failed.getJsonObject("error").getString("message")).contains("invalid_grant").contains("expired or revoked");
      assertThat(asked.get(asked.size() - 1)).containsEntry("refresh_token", "rt-b2");
    } finally {
      provider.stop(0);
    }
  }

  @Test
  @DisplayName("an oauth2 block needs its token endpoint, client id and refresh token")
  void oauth2Validation() {
    JsonObject smtp = new JsonObject().put("host", "127.0.0.1").put("port", 25).put("security", "none").put("username", "x@acme.test");
    JsonObject full = new JsonObject().put("token_url", "https://oauth2.example/token").put("client_id", "c").put("refresh_token", "r");
    for (String missing : new String[] {"token_url", "client_id", "refresh_token"}) {
      JsonObject oauth2 = full.copy();
      oauth2.remove(missing);
      ApiClient.Response r = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email")
          .put("address", "bad-oauth-" + missing.replace('_', '-') + "@acme.test")
          .put("settings", new JsonObject().put("smtp", smtp).put("oauth2", oauth2)));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("oauth2." + missing);
    }
  }

  private static JsonObject outcome(long conversation, long id) {
    return Eventually.found("the reply's outcome", 20_000, 100, () -> {
      JsonObject a = activity(conversation, id);
      return "sent".equals(a.getString("status")) || "failed".equals(a.getString("status")) ? a : null;
    });
  }

  @Test
  @DisplayName("a reply from an address without an outgoing server is refused before it is queued")
  void noSmtpSettings() throws Exception {
    Mail.endpoint(hub, inbox, "inbound-only@acme.test", null);
    Session s = Mail.session(hub);
    Mail.send(s, Mail.message(s, "gus@customer.test", "inbound-only@acme.test", "No way back", "hello"));
    ApiClient.Response r = hub.admin().post("/api/v1/conversations/" + conversation("No way back") + "/messages",
        new JsonObject().put("text", "answer"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorField()).isEqualTo("from_endpoint_id");
  }

  private static long endpoint(String address, int port) {
    return Mail.endpoint(hub, inbox, address, new JsonObject().put("smtp", new JsonObject().put("host", "127.0.0.1")
        .put("port", port).put("security", "none"))).getLong("id");
  }

  static long endpointId(String address) {
    return hub.admin().get("/api/v1/inboxes/" + inbox + "/endpoints").expect(200).items().stream().map(o -> (JsonObject) o)
        .filter(e -> e.getString("address").equals(address)).findFirst().orElseThrow().getLong("id");
  }

  static long conversation(String subject) {
    return Mail.conversations(hub.admin(), inbox).stream().map(o -> (JsonObject) o)
        .filter(c -> subject.equals(c.getString("subject"))).findFirst().orElseThrow().getLong("id");
  }

  static JsonObject activity(long conversation, long id) {
    return Mail.activities(hub.admin(), conversation).stream().map(o -> (JsonObject) o)
        .filter(a -> a.getLong("id") == id).findFirst().orElseThrow();
  }

  static String header(MimeMessage m, String name) {
    try {
      String[] h = m.getHeader(name);
      return h == null ? null : h[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static java.util.List<String> attachmentNames(MimeMessage m) throws Exception {
    java.util.List<String> names = new java.util.ArrayList<>();
    if (m.getContent() instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        Part p = mp.getBodyPart(i);
        if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) names.add(p.getFileName());
      }
    }
    return names;
  }
}
