package io.switchboard.channel.email;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener spoken to over a raw socket: every reply code a misbehaving or unusual client can meet. */
@WithHub({"smtp.max_message_bytes=20000", "smtp.max_connections=5"})
class SmtpProtocolTest {

  static TestHub hub;
  static long inbox;
  static long sales;

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Protocol");
    sales = hub.inbox("Protocol Sales");
    Mail.endpoint(hub, inbox, "help@proto.test", null);
    Mail.endpoint(hub, sales, "sales@proto.test", null);
  }

  @Test
  @DisplayName("commands out of order get 503, unknown ones 500, and the session goes on")
  void outOfOrder() throws Exception {
    try (Mail.Wire w = new Mail.Wire(hub)) {
      assertThat(w.reply()).startsWith("220 ");
      assertThat(w.cmd("MAIL FROM:<a@b.test>")).startsWith("503 ");
      String ehlo = w.cmd("EHLO client.test");
      assertThat(ehlo).startsWith("250-").contains("SIZE 20000", "8BITMIME", "PIPELINING").doesNotContain("STARTTLS");
      assertThat(w.cmd("RCPT TO:<help@proto.test>")).startsWith("503 ");
      assertThat(w.cmd("DATA")).startsWith("503 ");
      assertThat(w.cmd("MAIL FROM:<a@b.test>")).startsWith("250 ");
      assertThat(w.cmd("MAIL FROM:<a@b.test>")).startsWith("503 ");
      assertThat(w.cmd("DATA")).startsWith("554 ");
      assertThat(w.cmd("MAIL FROM:<a@b.test> RET=FULL")).startsWith("503 ");
      assertThat(w.cmd("FOO bar")).startsWith("500 ");
      assertThat(w.cmd("STARTTLS")).startsWith("502 ");
      assertThat(w.cmd("AUTH PLAIN AAAA")).startsWith("502 ");
      assertThat(w.cmd("VRFY help")).startsWith("252 ");
      assertThat(w.cmd("NOOP")).startsWith("250 ");
      assertThat(w.cmd("RSET")).startsWith("250 ");
      assertThat(w.cmd("MAIL FROM:<a@b.test> RET=FULL")).startsWith("555 ");
      assertThat(w.cmd("MAIL FROM:<not an address>")).startsWith("501 ");
      assertThat(w.cmd("QUIT")).startsWith("221 ");
      assertThat(w.reply()).isNull();
    }
  }

  @Test
  @DisplayName("RSET ends the transaction: DATA afterwards is out of order")
  void rset() throws Exception {
    try (Mail.Wire w = greeted()) {
      assertThat(w.cmd("MAIL FROM:<a@b.test>")).startsWith("250 ");
      assertThat(w.cmd("RCPT TO:<help@proto.test>")).startsWith("250 ");
      assertThat(w.cmd("RSET")).startsWith("250 ");
      assertThat(w.cmd("DATA")).startsWith("503 ");
    }
  }

  @Test
  @DisplayName("a command line over 512 octets is refused with 500 and the connection stays usable")
  void longCommandLine() throws Exception {
    try (Mail.Wire w = greeted()) {
      assertThat(w.cmd("NOOP " + "x".repeat(600))).startsWith("500 ");
      // a line far beyond the limit arriving in pieces is still one 500
      w.write("MAIL FROM:<" + "y".repeat(5000));
      w.write("z".repeat(5000) + ">\r\n");
      assertThat(w.reply()).startsWith("500 ");
      assertThat(w.cmd("NOOP")).startsWith("250 ");
    }
  }

  @Test
  @DisplayName("a message line over 1000 octets is refused after the data, and nothing is stored")
  void longTextLine() throws Exception {
    try (Mail.Wire w = transaction("a@b.test", "help@proto.test")) {
      w.write("From: a@b.test\r\nSubject: Long line\r\n\r\n" + "w".repeat(1200) + "\r\n.\r\n");
      assertThat(w.reply()).startsWith("500 ");
      assertThat(w.cmd("NOOP")).startsWith("250 ");
    }
    assertThat(find(inbox, "Long line")).isNull();
  }

  @Test
  @DisplayName("a mail over the size limit: 552 at MAIL when SIZE says so, else 552 after the data, nothing stored")
  void sizeLimit() throws Exception {
    try (Mail.Wire w = greeted()) {
      assertThat(w.cmd("MAIL FROM:<a@b.test> SIZE=20001")).startsWith("552 ");
      assertThat(w.cmd("MAIL FROM:<a@b.test> SIZE=1000")).startsWith("250 ");
      assertThat(w.cmd("RCPT TO:<help@proto.test>")).startsWith("250 ");
      assertThat(w.cmd("DATA")).startsWith("354 ");
      StringBuilder big = new StringBuilder("From: a@b.test\r\nSubject: Too big\r\n\r\n");
      while (big.length() < 30_000) big.append("0123456789".repeat(9)).append("\r\n");
      w.write(big + ".\r\n");
      assertThat(w.reply()).startsWith("552 ");
      // the connection stays good for the next mail
      assertThat(w.cmd("MAIL FROM:<a@b.test>")).startsWith("250 ");
      assertThat(w.cmd("RCPT TO:<help@proto.test>")).startsWith("250 ");
      assertThat(w.cmd("DATA")).startsWith("354 ");
      w.write("From: a@b.test\r\nSubject: Small enough\r\n\r\nfine\r\n.\r\n");
      assertThat(w.reply()).startsWith("250 ");
    }
    assertThat(find(inbox, "Too big")).isNull();
    assertThat(find(inbox, "Small enough")).isNotNull();
  }

  @Test
  @DisplayName("8-bit text arrives intact, announced with BODY=8BITMIME or not (read as UTF-8, and noted)")
  void eightBit() throws Exception {
    for (String body : new String[] {" BODY=8BITMIME", ""}) {
      String subject = "Grüße aus Köln" + (body.isEmpty() ? " (undeclared)" : "");
      try (Mail.Wire w = greeted()) {
        assertThat(w.cmd("MAIL FROM:<jorg@b.test>" + body)).startsWith("250 ");
        assertThat(w.cmd("RCPT TO:<help@proto.test>")).startsWith("250 ");
        assertThat(w.cmd("DATA")).startsWith("354 ");
        w.write(("From: Jörg <jorg@b.test>\r\nSubject: " + subject + "\r\nContent-Type: text/plain\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\nDie Rechnung für März fehlt.\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(w.reply()).startsWith("250 ");
      }
      JsonObject conv = find(inbox, subject);
      assertThat(conv).isNotNull();
      assertThat(conv.getJsonObject("contact").getString("name")).isEqualTo("Jörg");
      JsonObject a = Mail.activities(hub.admin(), conv.getLong("id")).getJsonObject(0);
      assertThat(a.getString("text")).isEqualTo("Die Rechnung für März fehlt.");
      assertThat(a.getJsonObject("data").getJsonObject("email").getJsonObject("envelope").getBoolean("undeclared_8bit"))
          .isEqualTo(body.isEmpty());
    }
  }

  @Test
  @DisplayName("pipelined commands are answered one by one, in order, and a refused recipient does not spoil the rest")
  void pipelining() throws Exception {
    try (Mail.Wire w = greeted()) {
      w.write("MAIL FROM:<pipe@b.test>\r\nRCPT TO:<help@proto.test>\r\nRCPT TO:<ghost@proto.test>\r\n"
          + "RCPT TO:<sales@proto.test>\r\nDATA\r\n");
      assertThat(w.reply()).startsWith("250 ");
      assertThat(w.reply()).startsWith("250 ");
      assertThat(w.reply()).startsWith("550 ");
      assertThat(w.reply()).startsWith("250 ");
      assertThat(w.reply()).startsWith("354 ");
      w.write("From: pipe@b.test\r\nSubject: Pipelined\r\n\r\nto both teams\r\n.\r\nNOOP\r\nQUIT\r\n");
      assertThat(w.reply()).startsWith("250 ");
      assertThat(w.reply()).startsWith("250 ");
      assertThat(w.reply()).startsWith("221 ");
    }
    assertThat(find(inbox, "Pipelined")).isNotNull();
    assertThat(find(sales, "Pipelined")).isNotNull();
  }

  @Test
  @DisplayName("dot-stuffed lines lose one dot, and a lone LF.LF does not end the message early")
  void dotStuffing() throws Exception {
    try (Mail.Wire w = transaction("dots@b.test", "help@proto.test")) {
      w.write("From: dots@b.test\r\nSubject: Dots\r\n\r\n..leading dot\r\nmiddle\n.\nstill here\r\n..\r\n.\r\n");
      assertThat(w.reply()).startsWith("250 ");
    }
    JsonObject a = Mail.activities(hub.admin(), find(inbox, "Dots").getLong("id")).getJsonObject(0);
    assertThat(a.getString("text")).isEqualTo(".leading dot\nmiddle\n.\nstill here\n.");
  }

  @Test
  @DisplayName("malformed MIME is stored as far as it can be read; a mail without any sender is refused with 550")
  void malformedMime() throws Exception {
    try (Mail.Wire w = transaction("broken@b.test", "help@proto.test")) {
      w.write(("From: \"Broken\" <broken@b.test\r\nSubject: =?bogus-charset?Q?Broken=20mime?=\r\n"
          + "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\npreamble\r\n--XX\r\n"
          + "Content-Type: text/plain; charset=no-such-charset\r\n\r\nreadable part\r\n--XX\r\n"
          + "Content-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
          + "!!!not base64 at all%%%\r\n").getBytes(StandardCharsets.UTF_8));
      w.write(".\r\n");
      assertThat(w.reply()).startsWith("250 ");
    }
    JsonObject conv = Mail.conversations(hub.admin(), inbox).stream().map(o -> (JsonObject) o)
        .filter(c -> "broken@b.test".equals(c.getJsonObject("contact").getString("email"))).findFirst().orElseThrow();
    JsonObject a = Mail.activities(hub.admin(), conv.getLong("id")).getJsonObject(0);
    assertThat(a.getString("text")).contains("readable part");
    assertThat(a.getJsonArray("attachments")).hasSize(1);

    try (Mail.Wire w = transaction("", "help@proto.test")) {
      w.write("Subject: Nobody sent this\r\n\r\nno From header, null sender\r\n.\r\n");
      assertThat(w.reply()).startsWith("550 ");
    }
    assertThat(find(inbox, "Nobody sent this")).isNull();
  }

  @Test
  @DisplayName("a plus address of an endpoint is accepted and lands in that endpoint's inbox")
  void plusAddress() throws Exception {
    try (Mail.Wire w = transaction("plus@b.test", "help+billing@proto.test")) {
      w.write("From: plus@b.test\r\nSubject: Plus addressed\r\n\r\nhi\r\n.\r\n");
      assertThat(w.reply()).startsWith("250 ");
    }
    assertThat(find(inbox, "Plus addressed")).isNotNull();
  }

  @Test
  @DisplayName("a flood of connections: beyond smtp.max_connections the listener answers 421 and closes, then recovers")
  void connectionFlood() throws Exception {
    List<Mail.Wire> open = new ArrayList<>();
    try {
      String refused = null;
      for (int i = 0; i < 12 && refused == null; i++) {
        Mail.Wire w = new Mail.Wire(hub);
        open.add(w);
        String greeting = w.reply();
        if (greeting.startsWith("421")) refused = greeting;
      }
      assertThat(refused).isNotNull();
      assertThat(open.size()).isLessThanOrEqualTo(6);
    } finally {
      for (Mail.Wire w : open) w.close();
    }
    String greeting = Eventually.found("a free connection slot", 10_000, 100, () -> {
      try (Mail.Wire w = new Mail.Wire(hub)) {
        String g = w.reply();
        return g.startsWith("220") ? g : null;
      } catch (Exception e) {
        return null;
      }
    });
    assertThat(greeting).startsWith("220 ");
  }

  @Test
  @DisplayName("while the database is unavailable the listener answers 451 (try later), and accepts once it is back")
  void databaseDown() throws Exception {
    try (TestHub own = TestHub.start()) {
      long box = own.inbox("Outage");
      Mail.endpoint(own, box, "outage@proto.test", null);
      String db = own.dbUrl.substring(own.dbUrl.lastIndexOf('/') + 1);
      try (Mail.Wire w = new Mail.Wire(own)) {
        w.reply();
        w.cmd("EHLO client.test");
        assertThat(w.cmd("MAIL FROM:<late@b.test>")).startsWith("250 ");
        assertThat(w.cmd("RCPT TO:<outage@proto.test>")).startsWith("250 ");
        assertThat(w.cmd("DATA")).startsWith("354 ");
        setConnections(own, db, false);
        try {
          w.write("From: late@b.test\r\nSubject: During the outage\r\n\r\nhello\r\n.\r\n");
          assertThat(w.reply()).startsWith("451 ");
          assertThat(w.cmd("MAIL FROM:<late@b.test>")).startsWith("250 ");
          assertThat(w.cmd("RCPT TO:<outage@proto.test>")).startsWith("451 ");
        } finally {
          setConnections(own, db, true);
        }
      }
      String answer = Eventually.found("the database to be back", 20_000, 100, () -> {
        try (Mail.Wire w = new Mail.Wire(own)) {
          w.reply();
          w.cmd("EHLO client.test");
          w.cmd("MAIL FROM:<late@b.test>");
          if (!w.cmd("RCPT TO:<outage@proto.test>").startsWith("250")) return null;
          w.cmd("DATA");
          w.write("From: late@b.test\r\nSubject: After the outage\r\n\r\nhello\r\n.\r\n");
          String r = w.reply();
          return r.startsWith("250") ? r : null;
        } catch (Exception e) {
          return null;
        }
      });
      assertThat(answer).startsWith("250 ");
      assertThat(Mail.conversations(own.admin(), box).stream().map(o -> ((JsonObject) o).getString("subject")))
          .containsExactly("After the outage");
    }
  }

  /** Takes a hub's database away (refuses and ends its connections) or gives it back. */
  private static void setConnections(TestHub h, String db, boolean allowed) throws Exception {
    String admin = h.dbUrl.substring(0, h.dbUrl.lastIndexOf('/') + 1) + "postgres";
    try (Connection c = TestDatabase.connect(admin); var st = c.createStatement()) {
      st.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS " + allowed);
      if (!allowed) st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
    }
  }

  private static Mail.Wire greeted() throws Exception {
    Mail.Wire w = new Mail.Wire(hub);
    assertThat(w.reply()).startsWith("220 ");
    assertThat(w.cmd("EHLO client.test")).startsWith("250");
    return w;
  }

  /** A session that has sent MAIL, RCPT and DATA and now waits for the message. */
  private static Mail.Wire transaction(String from, String to) throws Exception {
    Mail.Wire w = greeted();
    assertThat(w.cmd("MAIL FROM:<" + from + ">")).startsWith("250 ");
    assertThat(w.cmd("RCPT TO:<" + to + ">")).startsWith("250 ");
    assertThat(w.cmd("DATA")).startsWith("354 ");
    return w;
  }

  static JsonObject find(long inboxId, String subject) {
    return Mail.conversations(hub.admin(), inboxId).stream().map(o -> (JsonObject) o)
        .filter(c -> subject.equals(c.getString("subject"))).findFirst().orElse(null);
  }

  @Test
  @DisplayName("a mail with NUL bytes is accepted with 250 and stored cleaned, never 451")
  void nulBytes() throws Exception {
    try (Mail.Wire w = new Mail.Wire(hub)) {
      assertThat(w.reply()).startsWith("220 ");
      assertThat(w.cmd("EHLO client.test")).startsWith("250");
      assertThat(w.cmd("MAIL FROM:<nul@sender.test>")).startsWith("250 ");
      assertThat(w.cmd("RCPT TO:<help@proto.test>")).startsWith("250 ");
      assertThat(w.cmd("DATA")).startsWith("354 ");
      w.write(("From: nul@sender.test\r\nTo: help@proto.test\r\nSubject: Zero\u0000subject\r\n"
          + "Message-ID: <nul-smtp-1@sender.test>\r\n\r\nzero\u0000byte\r\n.\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(w.reply()).startsWith("250 ");
    }
    JsonObject a = Eventually.found("the mail", 10_000, 100, () -> {
      for (Object c : Mail.conversations(hub.admin(), inbox)) {
        for (Object x : Mail.activities(hub.admin(), ((JsonObject) c).getLong("id"))) {
          if ("Zerosubject".equals(((JsonObject) x).getString("subject"))) return (JsonObject) x;
        }
      }
      return null;
    });
    assertThat(a.getString("text")).isEqualTo("zerobyte");
    assertThat(a.getJsonObject("data").getJsonArray("cleaned")).contains("subject", "text");
  }
}
