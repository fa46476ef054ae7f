package io.switchboard.channel.email;

import com.sun.net.httpserver.HttpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Connected mailboxes: a GreenMail IMAP account polled by the hub, across restarts. */
class MailboxTest {

  static final Map<String, Object> FAST = Map.of("email.imap_poll_seconds", 1, "email.imap_idle_seconds", 2);
  static GreenMail server;

  @BeforeAll
  static void start() {
    server = new GreenMail(new ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()});
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  @DisplayName("mail in an IMAP mailbox is imported exactly once, also across a restart of the hub")
  void importedOnceAcrossRestart() throws Exception {
    server.setUser("once@mbox.test", "once@mbox.test", "secret");
    append("once@mbox.test", "INBOX", mail("olga@customer.test", "once@mbox.test", "Order 1", "first mail"));
    TestHub first = TestHub.start(FAST);
    String dbUrl = first.dbUrl;
    long endpoint;
    try {
      long inbox = first.inbox("Mailbox");
      endpoint = imapEndpoint(first, inbox, "once@mbox.test", "secret", null);
      Eventually.that("the first mail", 30_000, 100, () -> count(dbUrl, endpoint, "Order 1") == 1);
      append("once@mbox.test", "INBOX", mail("olga@customer.test", "once@mbox.test", "Order 2", "second mail"));
      Eventually.that("the second mail", 30_000, 100, () -> count(dbUrl, endpoint, "Order 2") == 1);
      JsonObject status = Eventually.found("a connected status", 10_000, 100, () -> {
        JsonObject s = first.admin().get("/api/v1/endpoints/" + endpoint + "/mailbox").expect(200).json();
        return "connected".equals(s.getString("status")) ? s : null;
      });
      assertThat(status.getString("last_poll_at")).isNotNull();
      assertThat(status.getJsonArray("folders").getJsonObject(0).getString("folder")).isEqualTo("INBOX");
      assertThat(status.getJsonArray("folders").getJsonObject(0).getLong("last_uid")).isGreaterThanOrEqualTo(2);
      // both mails are from the same person with no thread headers: two conversations, in the inbox
      assertThat(Mail.conversations(first.admin(), inbox)).hasSize(2);
    } finally {
      first.close();
    }
    append("once@mbox.test", "INBOX", mail("olga@customer.test", "once@mbox.test", "Order 3", "sent while the hub was down"));
    try (TestHub second = TestHub.start(merge(FAST, Map.of("db.url", dbUrl)))) {
      Eventually.that("the mail that came during the restart", 30_000, 100,
          () -> count(dbUrl, endpoint, "Order 3") == 1);
      long before = lastPoll(dbUrl, endpoint);
      Eventually.that("a few more polls", 30_000, 100, () -> lastPoll(dbUrl, endpoint) > before + 1500);
      assertThat(count(dbUrl, endpoint, "Order 1")).isEqualTo(1);
      assertThat(count(dbUrl, endpoint, "Order 2")).isEqualTo(1);
      assertThat(count(dbUrl, endpoint, "Order 3")).isEqualTo(1);
      assertThat(second.admin().get("/api/v1/endpoints/" + endpoint + "/mailbox").expect(200).json().getLong("imported_count"))
          .isEqualTo(3);
    }
  }

  @Test
  @DisplayName("mail the address sent itself (its Sent folder) shows as outbound messages to the customer")
  void sentFolderIsOutbound() throws Exception {
    server.setUser("sent@mbox.test", "sent@mbox.test", "secret");
    MimeMessage offer = mail("Sales Team <sent@mbox.test>", "Zoe <zoe@customer.test>", "Our offer", "Here is our offer.");
    append("sent@mbox.test", "Sent", offer);
    try (TestHub hub = TestHub.start(FAST)) {
      long inbox = hub.inbox("Sent box");
      imapEndpoint(hub, inbox, "sent@mbox.test", "secret", null);
      ApiClient admin = hub.admin();
      JsonObject conv = Eventually.found("the sent mail", 30_000, 100, () -> Mail.conversations(admin, inbox).stream()
          .map(o -> (JsonObject) o).filter(c -> "Our offer".equals(c.getString("subject"))).findFirst().orElse(null));
      assertThat(conv.getJsonObject("contact").getString("email")).isEqualTo("zoe@customer.test");
      assertThat(conv.getJsonObject("contact").getString("name")).isEqualTo("Zoe");
      JsonObject a = Mail.activities(admin, conv.getLong("id")).getJsonObject(0);
      assertThat(a.getString("direction")).isEqualTo("out");
      assertThat(a.getString("status")).isEqualTo("sent");
      assertThat(a.getJsonObject("sender").getString("name")).isEqualTo("Sales Team");
      // Zoe's answer, in the inbox folder, joins that conversation
      MimeMessage answer = mail("zoe@customer.test", "sent@mbox.test", "Re: Our offer", "Looks good.");
      answer.setHeader("In-Reply-To", offer.getHeader("Message-ID")[0]);
      append("sent@mbox.test", "INBOX", answer);
      Eventually.that("the answer", 30_000, 100, () -> Mail.activities(admin, conv.getLong("id")).size() == 2);
      assertThat(Mail.activities(admin, conv.getLong("id")).getJsonObject(0).getString("direction")).isEqualTo("in");
      // a copy of its own mail in the inbox folder (Bcc to itself) is outbound too
      append("sent@mbox.test", "INBOX", mail("sent@mbox.test", "yuri@customer.test", "Bcc copy", "Sent from my phone."));
      JsonObject copy = Eventually.found("the copy", 30_000, 100, () -> Mail.conversations(admin, inbox).stream()
          .map(o -> (JsonObject) o).filter(c -> "Bcc copy".equals(c.getString("subject"))).findFirst().orElse(null));
      assertThat(copy.getJsonObject("contact").getString("email")).isEqualTo("yuri@customer.test");
      assertThat(Mail.activities(admin, copy.getLong("id")).getJsonObject(0).getString("direction")).as(Mail.activities(admin, copy.getLong("id")).encodePrettily()).isEqualTo("out");
    }
  }

  @Test
  @DisplayName("with two hubs on one database one of them polls the mailbox; when it stops, the other takes over")
  void oneNodePolls() throws Exception {
    server.setUser("shared@mbox.test", "shared@mbox.test", "secret");
    TestHub a = TestHub.start(FAST);
    TestHub b = TestHub.start(merge(FAST, Map.of("db.url", a.dbUrl)));
    java.util.List<TestHub> open = new java.util.ArrayList<>(java.util.List.of(a, b));
    try {
      long inbox = a.inbox("Shared");
      long ep = imapEndpoint(a, inbox, "shared@mbox.test", "secret", null);
      String poller = Eventually.found("a node to poll", 40_000, 100, () -> {
        JsonObject s = a.admin().get("/api/v1/endpoints/" + ep + "/mailbox").expect(200).json();
        return "connected".equals(s.getString("status")) ? s.getString("polled_by") : null;
      });
      TestHub polling = poller.equals(a.switchboard.node().nodeId()) ? a : b;
      TestHub other = polling == a ? b : a;
      assertThat(poller).isIn(a.switchboard.node().nodeId(), b.switchboard.node().nodeId());
      append("shared@mbox.test", "INBOX", mail("pia@customer.test", "shared@mbox.test", "Before the handover", "one"));
      Eventually.that("the first mail", 30_000, 100, () -> count(a.dbUrl, ep, "Before the handover") == 1);
      polling.close();
      open.remove(polling);
      append("shared@mbox.test", "INBOX", mail("pia@customer.test", "shared@mbox.test", "After the handover", "two"));
      Eventually.that("the other node to import", 40_000, 100,
          () -> count(a.dbUrl, ep, "After the handover") == 1);
      assertThat(other.admin().get("/api/v1/endpoints/" + ep + "/mailbox").expect(200).json().getString("polled_by"))
          .isEqualTo(other.switchboard.node().nodeId());
      assertThat(count(a.dbUrl, ep, "Before the handover")).isEqualTo(1);
    } finally {
      open.forEach(TestHub::close);
    }
  }

  @Test
  @DisplayName("a mailbox that cannot sign in shows as failing with the server's reason; a mail that cannot be imported is recorded and skipped")
  void failures() throws Exception {
    server.setUser("fail@mbox.test", "fail@mbox.test", "right");
    server.setUser("skip@mbox.test", "skip@mbox.test", "secret");
    MimeMessage noSender = new MimeMessage(Session.getInstance(new Properties()));
    noSender.setRecipients(Message.RecipientType.TO, "skip@mbox.test");
    noSender.setSubject("Nobody sent this");
    noSender.setText("no From header");
    noSender.saveChanges();
    noSender.removeHeader("From");
    append("skip@mbox.test", "INBOX", noSender, mail("sam@customer.test", "skip@mbox.test", "After the bad one", "fine"));
    try (TestHub hub = TestHub.start(FAST)) {
      long inbox = hub.inbox("Failures");
      long wrong = imapEndpoint(hub, inbox, "fail@mbox.test", "wrong", null);
      long skipping = imapEndpoint(hub, inbox, "skip@mbox.test", "secret", null);
      JsonObject failing = Eventually.found("a failing status", 30_000, 100, () -> {
        JsonObject s = hub.admin().get("/api/v1/endpoints/" + wrong + "/mailbox").expect(200).json();
        return "failing".equals(s.getString("status")) ? s : null;
      });
      assertThat(failing.getString("error")).contains("Invalid login/password");
      assertThat(failing.getString("failing_since")).isNotNull();

      Eventually.that("the good mail", 30_000, 100, () -> count(hub.dbUrl, skipping, "After the bad one") == 1);
      JsonObject status = hub.admin().get("/api/v1/endpoints/" + skipping + "/mailbox").expect(200).json();
      assertThat(status.getJsonArray("failures")).hasSize(1);
      assertThat(status.getJsonArray("failures").getJsonObject(0).getString("error")).contains("no sender");
      long before = lastPoll(hub.dbUrl, skipping);
      Eventually.that("a few more polls", 30_000, 100, () -> lastPoll(hub.dbUrl, skipping) > before + 1500);
      assertThat(hub.admin().get("/api/v1/endpoints/" + skipping + "/mailbox").expect(200).json().getJsonArray("failures")).hasSize(1);
      assertThat(count(hub.dbUrl, skipping, "Nobody sent this")).isZero();
    }
  }

  @Test
  @DisplayName("when the folder's UIDVALIDITY changes, mails are matched again by Message-ID: nothing twice, nothing missed")
  void uidValidityChange() throws Exception {
    server.setUser("uv@mbox.test", "uv@mbox.test", "secret");
    MimeMessage one = mail("uma@customer.test", "uv@mbox.test", "Before renumbering", "one");
    append("uv@mbox.test", "Support", one);
    try (TestHub hub = TestHub.start(FAST)) {
      long inbox = hub.inbox("Renumbered");
      long ep = imapEndpoint(hub, inbox, "uv@mbox.test", "secret", "Support");
      Eventually.that("the first mail", 30_000, 100, () -> count(hub.dbUrl, ep, "Before renumbering") == 1);
      long firstValidity = validity(hub.dbUrl, ep);
      // the server rebuilds the folder: same mail, new UIDs, new UIDVALIDITY
      Thread.sleep(5);
      recreate("uv@mbox.test", "Support", one, mail("uma@customer.test", "uv@mbox.test", "After renumbering", "two"));
      Eventually.that("the new mail", 60_000, 100, () -> count(hub.dbUrl, ep, "After renumbering") == 1);
      assertThat(validity(hub.dbUrl, ep)).isNotEqualTo(firstValidity);
      assertThat(count(hub.dbUrl, ep, "Before renumbering")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a mailbox signing in with OAuth2 asks the token endpoint first; a refused refresh shows as failing with the provider's reason")
  void oauth2RefreshRefused() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    provider.createContext("/token", x -> {
      String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (form.contains("refresh_token=revoked-grant") && form.contains("client_id=mailbox-client")) asked.incrementAndGet();
      byte[] body = "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}".getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(400, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    provider.start();
    try (TestHub hub = TestHub.start(FAST)) {
      long inbox = hub.inbox("OAuth mailbox");
      long id = Mail.endpoint(hub, inbox, "oauth@mbox.test", new JsonObject()
          .put("imap", new JsonObject().put("host", "127.0.0.1").put("port", server.getImap().getPort())
              .put("security", "none").put("username", "oauth@mbox.test"))
          .put("oauth2", new JsonObject().put("token_url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/token")
              .put("client_id", "mailbox-client").put("refresh_token", "revoked-grant"))).getLong("id");
      JsonObject failing = Eventually.found("a failing status", 30_000, 100, () -> {
        JsonObject st = hub.admin().get("/api/v1/endpoints/" + id + "/mailbox").expect(200).json();
        return "failing".equals(st.getString("status")) ? st : null;
      });
      assertThat(failing.getString("error")).contains("OAuth2 token refresh was refused").contains("invalid_grant");
      assertThat(asked.get()).isPositive();
    } finally {
      provider.stop(0);
    }
  }

  static long imapEndpoint(TestHub hub, long inbox, String address, String password, String folder) {
    JsonObject imap = new JsonObject().put("host", "127.0.0.1").put("port", server.getImap().getPort())
        .put("security", "none").put("username", address).put("password", password);
    if (folder != null) imap.put("folder", folder);
    return Mail.endpoint(hub, inbox, address, new JsonObject().put("imap", imap)).getLong("id");
  }

  static MimeMessage mail(String from, String to, String subject, String text) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress(from));
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject(subject);
    m.setText(text);
    m.saveChanges();
    return m;
  }

  static void append(String user, String folder, MimeMessage... messages) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", server.getImap().getPort(), user, user.startsWith("fail") ? "right" : "secret");
    try {
      Folder f = store.getFolder(folder);
      if (!f.exists()) f.create(Folder.HOLDS_MESSAGES);
      f.appendMessages(messages);
    } finally {
      store.close();
    }
  }

  static void recreate(String user, String folder, MimeMessage... messages) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", server.getImap().getPort(), user, "secret");
    try {
      store.getFolder(folder).delete(true);
    } finally {
      store.close();
    }
    append(user, folder, messages);
  }

  /** Activities with this subject on the endpoint, counted in the database: duplicates would show here. */
  static long count(String dbUrl, long endpoint, String subject) {
    return query(dbUrl, "SELECT count(*) FROM activity WHERE endpoint_id = ? AND subject = ?", endpoint, subject);
  }

  static long lastPoll(String dbUrl, long endpoint) {
    return query(dbUrl, "SELECT coalesce((extract(epoch FROM last_poll_at) * 1000)::bigint, 0) FROM mailbox WHERE endpoint_id = ?", endpoint);
  }

  static long validity(String dbUrl, long endpoint) {
    return query(dbUrl, "SELECT uidvalidity FROM mailbox_folder WHERE endpoint_id = ? AND role = 'inbox'", endpoint);
  }

  private static long query(String dbUrl, String sql, Object... params) {
    try (Connection c = TestDatabase.connect(dbUrl); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) st.setObject(i + 1, params[i]);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> m = new java.util.HashMap<>(a);
    m.putAll(b);
    return m;
  }
}
