package io.switchboard.channel.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
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

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies leave through the endpoint's SMTP server (a GreenMail server here) and the customer's answers thread. */
class EmailReplyTest {

  static GreenMail customerServer;
  static TestHub hub;
  static long inbox;

  @BeforeAll
  static void start() {
    customerServer = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    customerServer.start();
    hub = TestHub.start(Map.of("outbox.backoff_ms", 60_000));
    inbox = hub.inbox("Replies");
    Mail.endpoint(hub, inbox, "support@acme.test", new JsonObject().put("smtp", new JsonObject()
        .put("host", "127.0.0.1").put("port", customerServer.getSmtp().getPort()).put("security", "none")));
    hub.admin().patch("/api/v1/endpoints/" + endpointId("support@acme.test"), new JsonObject().put("name", "Équipe Acme"))
        .expect(200);
  }

  @AfterAll
  static void stop() {
    hub.close();
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
    JsonObject sent = Mail.await("the reply to be sent", Duration.ofSeconds(20), () -> {
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
    long refusing = endpoint("refusing@acme.test", hub.switchboard.hub().smtpPort);
    long unreachable = endpoint("unreachable@acme.test", closed);
    Session s = Mail.session(hub);
    Mail.send(s, Mail.message(s, "erin@customer.test", "refusing@acme.test", "Refused reply", "hello"));
    Mail.send(s, Mail.message(s, "finn@customer.test", "unreachable@acme.test", "Unreachable reply", "hello"));
    ApiClient admin = hub.admin();

    long c1 = conversation("Refused reply");
    long a1 = admin.post("/api/v1/conversations/" + c1 + "/messages", new JsonObject().put("text", "answer")).expect(201).json().getLong("id");
    JsonObject failed = Mail.await("the refusal", Duration.ofSeconds(20), () -> {
      JsonObject a = activity(c1, a1);
      return "failed".equals(a.getString("status")) ? a : null;
    });
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("smtp_550");
    assertThat(failed.getJsonObject("error").getString("message")).contains("550").contains("no such mailbox");

    long c2 = conversation("Unreachable reply");
    long a2 = admin.post("/api/v1/conversations/" + c2 + "/messages", new JsonObject().put("text", "answer")).expect(201).json().getLong("id");
    JsonObject retrying = Mail.await("the first failed attempt", Duration.ofSeconds(20), () -> {
      JsonObject a = activity(c2, a2);
      return a.getJsonObject("error") != null ? a : null;
    });
    assertThat(retrying.getString("status")).isEqualTo("queued");
    assertThat(retrying.getJsonObject("error").getString("code")).isEqualTo("smtp_unreachable");
    assertThat(retrying.getJsonObject("data").getBoolean("retrying")).isTrue();
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
      JsonObject done = Mail.await("the reply's outcome", Duration.ofSeconds(20), () -> {
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
