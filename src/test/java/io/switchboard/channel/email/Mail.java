package io.switchboard.channel.email;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** Helpers the e-mail tests share: endpoints through the API, a Jakarta Mail SMTP client, a raw SMTP wire. */
final class Mail {

  private Mail() {
  }

  /** Creates an email endpoint on the inbox; returns its JSON. */
  static JsonObject endpoint(TestHub hub, long inbox, String address, JsonObject settings) {
    JsonObject body = new JsonObject().put("channel", "email").put("address", address);
    if (settings != null) body.put("settings", settings);
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", body).expect(201).json();
  }

  /** A Jakarta Mail session speaking to the hub's SMTP listener. */
  static Session session(TestHub hub) {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(hub.switchboard.node().state().smtpPort()));
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.smtp.timeout", "20000");
    return Session.getInstance(p);
  }

  static MimeMessage message(Session s, String from, String to, String subject, String text) throws MessagingException {
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress(from));
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject(subject, "UTF-8");
    m.setText(text, "UTF-8");
    return m;
  }

  /** The inbox's conversations, newest first, as a member sees them. */
  static JsonArray conversations(ApiClient c, long inbox) {
    return c.get("/api/v1/conversations?inbox=" + inbox).expect(200).items();
  }

  static JsonArray activities(ApiClient c, long conversation) {
    return c.get("/api/v1/conversations/" + conversation + "/activities?kind=message").expect(200).items();
  }

  static void send(Session s, MimeMessage m) throws MessagingException {
    m.saveChanges();
    Transport.send(m);
  }

  /** A plain SMTP connection, to say exactly what a client says, and read each reply. */
  static final class Wire implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Wire(TestHub hub) throws Exception {
      socket = new Socket("127.0.0.1", hub.switchboard.node().state().smtpPort());
      socket.setSoTimeout(20_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out = socket.getOutputStream();
    }

    /** The next reply, all its lines joined with "\n"; null when the server closed. */
    String reply() throws Exception {
      StringBuilder sb = new StringBuilder();
      while (true) {
        String line = in.readLine();
        if (line == null) return sb.length() == 0 ? null : sb.toString();
        if (sb.length() > 0) sb.append('\n');
        sb.append(line);
        if (line.length() < 4 || line.charAt(3) != '-') return sb.toString();
      }
    }

    /** Sends raw bytes as they are. */
    Wire write(byte[] bytes) throws Exception {
      out.write(bytes);
      out.flush();
      return this;
    }

    Wire write(String s) throws Exception {
      return write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one command line and returns its reply. */
    String cmd(String line) throws Exception {
      write(line + "\r\n");
      return reply();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
