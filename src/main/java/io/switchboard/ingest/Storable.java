package io.switchboard.ingest;

import io.switchboard.auth.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Makes whatever a provider sent storable, at the one place every inbound message passes: PostgreSQL refuses
 * U+0000 in text and JSON, and a lone UTF-16 surrogate cannot be encoded at all. NUL is removed and a lone surrogate
 * becomes U+FFFD; the message is kept, and the fields that were cleaned are named in its {@code data.cleaned}.
 * A provider id too long for the unique index is stored by its SHA-256 (the full id kept in
 * {@code data.provider_id_full}), so redeliveries still meet.
 */
final class Storable {

  /** Text kept in the message when the whole cannot be stored there (it goes along as a file). */
  static final int DEGRADED_TEXT_CHARS = 100_000;
  /** A provider's time before this is not a time: the message is dated when it arrives. */
  private static final java.time.Instant EARLIEST = java.time.Instant.parse("2000-01-01T00:00:00Z");

  /** Longer provider ids (in UTF-8 bytes) are stored hashed; shorter ones are stored as given, as they always were. */
  static final int MAX_PROVIDER_ID_BYTES = 2000;

  private Storable() {
  }

  static InboundMessage clean(InboundMessage m) {
    TreeSet<String> cleaned = new TreeSet<>();
    String providerId = text(m.providerId(), "provider_id", cleaned);
    JsonObject data = json(m.data(), "data", cleaned);
    String key = providerKey(providerId);
    if (key != null && !key.equals(providerId)) data = data.copy().put("provider_id_full", providerId);
    List<InboundMessage.Attachment> files = new ArrayList<>(m.attachments().size());
    for (InboundMessage.Attachment a : m.attachments()) {
      files.add(new InboundMessage.Attachment(text(a.filename(), "attachments.filename", cleaned),
          text(a.contentType(), "attachments.content_type", cleaned), a.content(), text(a.contentId(), "attachments.content_id", cleaned),
          a.inline(), text(a.sourceUrl(), "attachments.source_url", cleaned), text(a.error(), "attachments.error", cleaned)));
    }
    InboundMessage.Thread thread = m.thread();
    if (thread != null) {
      List<String> refs = new ArrayList<>();
      if (thread.references() != null) for (String r : thread.references()) refs.add(providerKey(text(r, "thread", cleaned)));
      thread = new InboundMessage.Thread(text(thread.token(), "thread", cleaned), refs);
    }
    java.time.Instant sentAt = m.sentAt();
    if (sentAt != null && sentAt.isBefore(EARLIEST)) {
      sentAt = null;
      cleaned.add("sent_at");
    }
    InboundMessage out = new InboundMessage(m.channel(), text(m.endpointAddress(), "to", cleaned),
        text(m.senderAddress(), "from", cleaned), text(m.senderName(), "name", cleaned), key, sentAt, m.kind(),
        text(m.subject(), "subject", cleaned), text(m.text(), "text", cleaned), text(m.html(), "html", cleaned), files, thread,
        data, m.direction(), text(m.author(), "author", cleaned));
    if (cleaned.isEmpty()) return out;
    JsonObject marked = out.data().copy().put("cleaned", new JsonArray(new ArrayList<>(cleaned)));
    return out.withData(marked);
  }

  /**
   * The message with its text and HTML cut to what PostgreSQL can always hold (its search index refuses a text of
   * too many distinct words), the whole of them going along as files; for a message refused as it was.
   */
  static InboundMessage degrade(InboundMessage m, List<InboundMessage.Attachment> whole) {
    JsonArray cleaned = m.data().getJsonArray("cleaned", new JsonArray()).copy().add("text_truncated");
    InboundMessage.Builder b = m.toBuilder().senderName(cut(m.senderName(), 500)).subject(cut(m.subject(), 2000))
        .text(cut(m.text(), DEGRADED_TEXT_CHARS)).html(cut(m.html(), DEGRADED_TEXT_CHARS))
        .data(m.data().copy().put("cleaned", cleaned));
    whole.forEach(b::attachment);
    return b.build();
  }

  private static String cut(String s, int chars) {
    if (s == null || s.length() <= chars) return s;
    int end = Character.isHighSurrogate(s.charAt(chars - 1)) ? chars - 1 : chars;
    return s.substring(0, end);
  }

  /** The id as the unique index holds it: as given, or {@code sha256:<hex>} when too long. */
  static String providerKey(String id) {
    if (id == null || id.length() * 3 <= MAX_PROVIDER_ID_BYTES) return id;
    if (id.getBytes(StandardCharsets.UTF_8).length <= MAX_PROVIDER_ID_BYTES) return id;
    return "sha256:" + HexFormat.of().formatHex(Secrets.sha256(id));
  }

  /** The text without what PostgreSQL cannot store; notes {@code field} when something had to go. */
  static String text(String s, String field, TreeSet<String> cleaned) {
    if (s == null || storable(s)) return s;
    cleaned.add(field);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) continue;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean storable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return false;
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
        i++;
      }
    }
    return true;
  }

  /** A JSON value with every key and string cleaned; the same instance when nothing needed it. */
  private static JsonObject json(JsonObject o, String field, TreeSet<String> cleaned) {
    if (o == null) return new JsonObject();
    int before = cleaned.size();
    JsonObject copy = (JsonObject) value(o, field, cleaned);
    return cleaned.size() == before ? o : copy;
  }

  private static Object value(Object v, String field, TreeSet<String> cleaned) {
    if (v instanceof String s) return text(s, field, cleaned);
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o) out.put(text(e.getKey(), field, cleaned), value(e.getValue(), field, cleaned));
      return out;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      for (Object x : a) out.add(value(x, field, cleaned));
      return out;
    }
    return v;
  }
}
