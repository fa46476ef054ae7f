package io.switchboard.channel.email;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * A MIME message as the channel uses it: addresses in normal form, decoded subject and bodies, threading ids and
 * the files it carried. Built by {@link MailParser} from raw bytes; knows nothing of endpoints.
 *
 * @param text the plain text (from text/plain parts, else derived from the HTML), or null
 * @param html the HTML as sent (not yet made safe), or null
 */
record ParsedMail(Addr from, List<Addr> to, List<Addr> cc, List<Addr> replyTo, List<Addr> deliveredTo, String subject,
                  String messageId, List<String> inReplyTo, List<String> references, Instant date, String text,
                  String html, List<Part> parts, JsonObject headers) {

  /** An address; {@code address} is the normal (lower-case) form, or null when the header held no valid one. */
  record Addr(String address, String name) {
    JsonObject json() {
      return new JsonObject().put("address", address).put("name", name);
    }
  }

  /** An attachment or inline image. */
  record Part(String filename, String contentType, byte[] content, String contentId, boolean inline) {
  }

  /** Threading ids, newest first: In-Reply-To, then References from the end. */
  List<String> threadIds() {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>(inReplyTo);
    for (int i = references.size() - 1; i >= 0; i--) ids.add(references.get(i));
    if (messageId != null) ids.remove(messageId);
    return List.copyOf(ids).subList(0, Math.min(ids.size(), 50));
  }

  /** Every recipient address shown in the headers (To, Cc, Delivered-To), normal form. */
  List<String> recipientAddresses() {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (List<Addr> list : List.of(to, cc, deliveredTo)) {
      for (Addr a : list) if (a.address() != null) out.add(a.address());
    }
    return List.copyOf(out);
  }

  static JsonArray json(List<Addr> list) {
    JsonArray a = new JsonArray();
    list.forEach(x -> a.add(x.json()));
    return a;
  }
}
