package io.switchboard.channel.email;

import io.switchboard.channel.email.ParsedMail.Addr;
import io.switchboard.channel.email.ParsedMail.Part;
import io.switchboard.inbox.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads raw MIME with Apache James mime4j, leniently: a broken header or encoding loses that piece, not the mail.
 * Blocking and CPU-bound: call it on a worker thread.
 */
final class MailParser {

  /** Raised when the bytes cannot be read as a message at all. */
  static final class Unreadable extends Exception {
    Unreadable(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  static final int MAX_TEXT = 1_000_000;
  static final int MAX_HTML = 2_000_000;
  private static final int MAX_DEPTH = 20;
  private static final int MAX_PARTS = 200;
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  private static final Map<String, String> EXTENSIONS = Map.of("image/png", ".png", "image/jpeg", ".jpg", "image/gif",
      ".gif", "application/pdf", ".pdf", "text/plain", ".txt", "text/html", ".html", "text/calendar", ".ics",
      "message/rfc822", ".eml", "image/webp", ".webp");

  private MailParser() {
  }

  static ParsedMail parse(byte[] raw) throws Unreadable {
    DefaultMessageBuilder builder = new DefaultMessageBuilder();
    builder.setMimeEntityConfig(MimeConfig.custom().setStrictParsing(false).setMalformedHeaderStartsBody(true)
        .setMaxLineLen(-1).setMaxHeaderCount(1000).setMaxHeaderLen(100_000).setMaxContentLen(-1).build());
    builder.setDecodeMonitor(DecodeMonitor.SILENT);
    Message m;
    try {
      m = builder.parseMessage(new ByteArrayInputStream(raw));
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("the message could not be read as MIME: " + e.getMessage(), e);
    }
    try {
      Collector c = new Collector();
      walk(m, false, c, 0);
      String text = c.text.toString().isBlank() ? null : cap(c.text.toString().strip(), MAX_TEXT);
      String html = c.html.length() > 0 ? cap(c.html.toString(), MAX_HTML) : null;
      if (text == null && html != null) text = cap(ReplyText.htmlToText(html), MAX_TEXT);
      Addr from = first(safe(() -> mailboxes(m.getFrom())));
      if (from == null) from = first(safe(() -> mailboxes(m.getSender() == null ? null : new MailboxList(List.of(m.getSender()), true))));
      return new ParsedMail(from, safe(() -> addresses(m.getTo())), safe(() -> addresses(m.getCc())),
          safe(() -> addresses(m.getReplyTo())), headerAddresses(m, "Delivered-To", "X-Original-To"),
          safeValue(m::getSubject), MessageIds.one(fieldBody(m, "Message-ID")),
          MessageIds.all(fieldBody(m, "In-Reply-To")), MessageIds.all(fieldBody(m, "References")),
          safeValue(() -> m.getDate() == null ? null : m.getDate().toInstant()), text, html, c.parts, headers(m));
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("the message could not be read: " + e.getMessage(), e);
    }
  }

  private static final class Collector {
    final StringBuilder text = new StringBuilder();
    final StringBuilder html = new StringBuilder();
    final List<Part> parts = new ArrayList<>();
  }

  private static void walk(Entity e, boolean related, Collector c, int depth) throws IOException {
    if (depth > MAX_DEPTH || c.parts.size() >= MAX_PARTS) return;
    Body body = e.getBody();
    String type = e.getMimeType() == null ? "application/octet-stream" : e.getMimeType().toLowerCase(Locale.ROOT);
    if (body instanceof Multipart mp) {
      boolean inRelated = related || type.equals("multipart/related");
      for (Entity part : mp.getBodyParts()) walk(part, inRelated, c, depth + 1);
      return;
    }
    String disposition = e.getDispositionType() == null ? null : e.getDispositionType().toLowerCase(Locale.ROOT);
    String filename = filename(e);
    String contentId = contentId(e);
    if (body instanceof Message nested) {
      // a forwarded mail stays whole, as a file the agent can open
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new DefaultMessageWriter().writeMessage(nested, out);
      String name = filename != null ? filename : clean(safeValue(nested::getSubject), "forwarded message") + ".eml";
      c.parts.add(new Part(name, "message/rfc822", out.toByteArray(), contentId, false));
      return;
    }
    if (!(body instanceof SingleBody single)) return;
    byte[] bytes = single.getInputStream().readAllBytes();
    boolean attachment = "attachment".equals(disposition) || filename != null;
    if (!attachment && (type.equals("text/plain") || type.equals("text/html"))) {
      String s = decode(bytes, declaredCharset(e)).replace("\r\n", "\n");
      StringBuilder target = type.equals("text/plain") ? c.text : c.html;
      if (target.length() > 0) target.append(type.equals("text/plain") ? "\n" : "");
      target.append(s);
      return;
    }
    boolean inline = !"attachment".equals(disposition) && (contentId != null || "inline".equals(disposition));
    String name = filename != null ? filename : "attachment-" + (c.parts.size() + 1) + EXTENSIONS.getOrDefault(type, "");
    c.parts.add(new Part(name, type, bytes, contentId, inline || (related && contentId != null)));
  }

  /**
   * Text in its declared charset. Undeclared (or declared US-ASCII) 8-bit text is read as UTF-8 when it is valid
   * UTF-8, else as Windows-1252: what mail clients that forget the declaration actually send.
   */
  static String decode(byte[] bytes, String declared) {
    Charset cs = null;
    if (declared != null) {
      try {
        cs = Charset.forName(declared.trim());
      } catch (RuntimeException ignored) {
        // unknown or misspelt charset: guess below
      }
    }
    if (cs != null && !cs.equals(StandardCharsets.US_ASCII)) return new String(bytes, cs);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, WINDOWS_1252);
    }
  }

  private static String declaredCharset(Entity e) {
    Field f = e.getHeader() == null ? null : e.getHeader().getField("Content-Type");
    return f instanceof ContentTypeField ct ? ct.getCharset() : null;
  }

  private static String filename(Entity e) {
    String name = safeValue(e::getFilename);
    if (name == null) {
      Field f = e.getHeader() == null ? null : e.getHeader().getField("Content-Type");
      if (f instanceof ContentTypeField ct && ct.getParameter("name") != null) {
        name = DecoderUtil.decodeEncodedWords(ct.getParameter("name"), DecodeMonitor.SILENT);
      }
    }
    if (name == null || name.isBlank()) return null;
    // never a path: a name like ../../x or C:\x keeps only its last part
    String base = name.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    return clean(base, null);
  }

  private static String clean(String s, String fallback) {
    if (s == null) return fallback;
    String c = s.replaceAll("[\\p{Cntrl}]", "").trim();
    if (c.isEmpty() || c.equals(".") || c.equals("..")) return fallback;
    return c.length() > 200 ? c.substring(0, 200) : c;
  }

  private static String contentId(Entity e) {
    String v = fieldBody(e, "Content-ID");
    if (v == null) return null;
    String id = v.trim();
    if (id.startsWith("<") && id.endsWith(">")) id = id.substring(1, id.length() - 1);
    return id.isEmpty() || id.length() > 500 ? null : id;
  }

  private static String fieldBody(Entity e, String name) {
    Field f = e.getHeader() == null ? null : e.getHeader().getField(name);
    return f == null ? null : f.getBody();
  }

  private static JsonObject headers(Message m) {
    JsonObject h = new JsonObject();
    for (String[] pair : new String[][] {{"Auto-Submitted", "auto_submitted"}, {"List-Id", "list_id"},
        {"Precedence", "precedence"}, {"Return-Path", "return_path"}}) {
      String v = fieldBody(m, pair[0]);
      if (v != null) h.put(pair[1], cap(v.trim(), 500));
    }
    JsonArray received = new JsonArray();
    for (Field f : m.getHeader().getFields("Received")) {
      if (received.size() < 10) received.add(cap(f.getBody().replaceAll("\\s+", " ").trim(), 500));
    }
    if (!received.isEmpty()) h.put("received", received);
    return h;
  }

  private static List<Addr> headerAddresses(Message m, String... names) {
    List<Addr> out = new ArrayList<>();
    for (String name : names) {
      for (Field f : m.getHeader().getFields(name)) {
        for (String id : MessageIds.all(f.getBody())) out.add(new Addr(Addresses.normalEmail(id), null));
      }
    }
    return out;
  }

  private static List<Addr> addresses(AddressList list) {
    return list == null ? List.of() : mailboxes(list.flatten());
  }

  private static List<Addr> mailboxes(MailboxList list) {
    List<Addr> out = new ArrayList<>();
    if (list == null) return out;
    for (Address a : list) {
      if (a instanceof Mailbox mb) {
        String name = mb.getName() == null || mb.getName().isBlank() ? null : cap(mb.getName().trim(), 200);
        out.add(new Addr(Addresses.normalEmail(mb.getAddress()), name));
      } else if (a instanceof Group g) {
        out.addAll(mailboxes(g.getMailboxes()));
      }
    }
    return out;
  }

  private static Addr first(List<Addr> list) {
    for (Addr a : list) if (a.address() != null) return a;
    return null;
  }

  private static <T> List<T> safe(Supplier<List<T>> s) {
    try {
      List<T> v = s.get();
      return v == null ? List.of() : v;
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static <T> T safeValue(Supplier<T> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String cap(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
