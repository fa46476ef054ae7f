package io.switchboard.channel.email;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mail sent by an ordinary SMTP client library (Jakarta Mail) to the hub's listener. */
@WithHub
class SmtpListenerTest {

  static TestHub hub;
  static long inbox;

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Support");
    Mail.endpoint(hub, inbox, "support@acme.test", null);
  }

  @Test
  @DisplayName("a mail with an attachment and an inline image lands in the inbox of its address, files and all, HTML made safe")
  void landsWithAttachments() throws Exception {
    Session s = Mail.session(hub);
    byte[] pdf = new byte[40_000];
    new Random(7).nextBytes(pdf);
    byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress("ada@customer.test", "Ada Lovelace"));
    m.setRecipients(Message.RecipientType.TO, "Support@Acme.test");
    m.setSubject("Invoice question", "UTF-8");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("Hello, my invoice looks wrong.\n\nAda", "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setContent("<p onclick=\"steal()\">Hello, my <b>invoice</b> looks wrong.</p><script>alert(1)</script>"
        + "<img src=\"cid:logo@ada\"><a href=\"javascript:alert(2)\">x</a>", "text/html; charset=UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative", text, html);
    MimeBodyPart body = new MimeBodyPart();
    body.setContent(alternative);
    MimeBodyPart image = new MimeBodyPart();
    image.setDataHandler(new DataHandler(new ByteArrayDataSource(png, "image/png")));
    image.setContentID("<logo@ada>");
    image.setDisposition("inline");
    MimeBodyPart file = new MimeBodyPart();
    file.setDataHandler(new DataHandler(new ByteArrayDataSource(pdf, "application/pdf")));
    file.setFileName("invoice-2024.pdf");
    m.setContent(new MimeMultipart("mixed", body, image, file));
    Mail.send(s, m);
    String messageId = MessageIds.one(m.getMessageID());

    ApiClient admin = hub.admin();
    JsonObject conv = Mail.conversations(admin, inbox).stream().map(o -> (JsonObject) o)
        .filter(c -> "Invoice question".equals(c.getString("subject"))).findFirst().orElseThrow();
    assertThat(conv.getString("channel")).isEqualTo("email");
    assertThat(conv.getJsonObject("contact").getString("name")).isEqualTo("Ada Lovelace");
    assertThat(conv.getJsonObject("contact").getString("email")).isEqualTo("ada@customer.test");
    JsonObject activity = Mail.activities(admin, conv.getLong("id")).getJsonObject(0);
    assertThat(activity.getString("direction")).isEqualTo("in");
    assertThat(activity.getString("text")).isEqualTo("Hello, my invoice looks wrong.\n\nAda");
    assertThat(activity.getString("provider_id")).isEqualTo(messageId);
    assertThat(activity.getString("html")).contains("<b>invoice</b>")
        .doesNotContain("script").doesNotContain("onclick").doesNotContain("javascript");
    assertThat(org.jsoup.Jsoup.parse(activity.getString("html")).select("img").attr("src")).isEqualTo("cid:logo@ada");
    JsonArray files = activity.getJsonArray("attachments");
    assertThat(files).hasSize(2);
    JsonObject inline = files.getJsonObject(0);
    assertThat(inline.getString("content_type")).isEqualTo("image/png");
    assertThat(inline.getBoolean("inline")).isTrue();
    assertThat(inline.getString("content_id")).isEqualTo("logo@ada");
    JsonObject attached = files.getJsonObject(1);
    assertThat(attached.getString("filename")).isEqualTo("invoice-2024.pdf");
    assertThat(attached.getString("content_type")).isEqualTo("application/pdf");
    assertThat(attached.getBoolean("inline")).isFalse();
    assertThat(attached.getLong("size")).isEqualTo(pdf.length);
    assertThat(download(admin, attached.getString("url"))).isEqualTo(pdf);
    JsonObject email = activity.getJsonObject("data").getJsonObject("email");
    assertThat(email.getString("source")).isEqualTo("smtp");
    assertThat(email.getJsonObject("envelope").getJsonArray("rcpt_to").getString(0)).isEqualTo("Support@Acme.test");
    assertThat(email.getJsonObject("headers").getJsonArray("received").getString(0)).contains("(Switchboard) with ESMTP");
  }

  @Test
  @DisplayName("a recipient that is no email endpoint is refused at RCPT and nothing is stored")
  void unknownRecipientRefused() throws Exception {
    Session s = Mail.session(hub);
    MimeMessage m = Mail.message(s, "eve@customer.test", "nobody@acme.test", "Hello?", "anyone there?");
    assertThatThrownBy(() -> Mail.send(s, m)).isInstanceOf(SendFailedException.class)
        .satisfies(e -> assertThat(((SendFailedException) e).getInvalidAddresses()).extracting(Object::toString)
            .containsExactly("nobody@acme.test"));
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM contact WHERE email = 'eve@customer.test'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  @DisplayName("a mail to two addresses, one of them unknown, is stored for the known one")
  void mixedRecipients() throws Exception {
    Session s = Mail.session(hub);
    MimeMessage m = Mail.message(s, "bob@customer.test", "support@acme.test", "Partly right", "one of these is right");
    m.addRecipients(Message.RecipientType.CC, "nobody@acme.test");
    m.getSession().getProperties().put("mail.smtp.sendpartial", "true");
    assertThatThrownBy(() -> Mail.send(s, m)).isInstanceOf(SendFailedException.class);
    assertThat(Mail.conversations(hub.admin(), inbox).stream().map(o -> ((JsonObject) o).getString("subject")))
        .contains("Partly right");
  }

  @Test
  @DisplayName("email endpoint settings are checked, secrets stay hidden, and the mailbox status is for those who see the inbox")
  void settings() {
    ApiClient admin = hub.admin();
    ApiClient.Response noPassword = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email")
        .put("address", "imap@acme.test").put("settings", new JsonObject().put("imap", new JsonObject()
            .put("host", "imap.acme.test").put("username", "imap@acme.test"))));
    assertThat(noPassword.status()).isEqualTo(400);
    assertThat(noPassword.errorField()).isEqualTo("settings");
    assertThat(admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email")
        .put("address", "ssl@acme.test").put("settings", new JsonObject().put("smtp", new JsonObject()
            .put("host", "smtp.acme.test").put("security", "ssl")))).status()).isEqualTo(400);
    JsonObject ep = Mail.endpoint(hub, inbox, "imap@acme.test", new JsonObject().put("imap", new JsonObject()
        .put("host", "imap.acme.test").put("username", "imap@acme.test").put("password", "hunter2")));
    assertThat(ep.getJsonObject("settings").getJsonObject("imap").containsKey("password")).isFalse();
    assertThat(ep.getJsonArray("secrets_set")).contains("imap.password");
    long other = Mail.endpoint(hub, inbox, "plain@acme.test", null).getLong("id");
    assertThat(admin.get("/api/v1/endpoints/" + other + "/mailbox").expect(200).json().getString("status")).isEqualTo("not_configured");
    ApiClient outsider = hub.user("outsider@example.com", "agent");
    assertThat(outsider.get("/api/v1/endpoints/" + ep.getLong("id") + "/mailbox").status()).isEqualTo(404);
  }

  static byte[] download(ApiClient c, String url) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.base() + url))
        .header("Cookie", c.cookieHeader()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
