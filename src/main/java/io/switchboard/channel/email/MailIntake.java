package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.switchboard.channel.email.ParsedMail.Addr;
import io.switchboard.db.Db;
import io.switchboard.inbox.Addresses;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.switchboard.ingest.Ingest;
import io.switchboard.ingest.SafeHtml;
import io.switchboard.ingest.IngestResult;
import io.switchboard.ingest.UnknownEndpoint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one way a mail becomes activities, whatever brought it (SMTP listener, IMAP mailbox, MIME webhook): parsed
 * and made safe on a worker thread, matched to the endpoints it is for, turned into {@link InboundMessage}s and
 * handed to Ingest. Callers acknowledge their sender only when the returned future succeeds.
 */
final class MailIntake {

  /** A recipient that is an email endpoint; {@code token} is the conversation token of a {@code local+token@} address. */
  record Target(String endpointAddress, long inboxId, String token) {
  }

  /** A mail ready to store: parsed, its new text separated from the quoted rest, its HTML made safe. */
  record Prepared(ParsedMail mail, String providerId, String fresh, String full, String quoted, String safeHtml,
                  List<InboundMessage.Attachment> attachments) {
  }

  /** Refused for good: SMTP answers {@code code}, the webhook 406, a mailbox records the failure and moves on. */
  static final class Rejected extends RuntimeException {
    final int code;

    Rejected(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{8,64}");

  private final Node node;
  private final Ingest ingest;
  private final long maxAttachment;

  MailIntake(Node node, Ingest ingest, long maxAttachment) {
    this.node = node;
    this.ingest = ingest;
    this.maxAttachment = maxAttachment;
  }

  /** The endpoint a recipient names: the address itself, or the base address of {@code local+token@domain}; else null. */
  Future<Target> resolve(String raw) {
    return resolveAll(List.of(raw)).map(list -> list.isEmpty() ? null : list.get(0));
  }

  /** The recipients that are endpoints, one per inbox (a mail to two addresses of one team is one conversation). */
  Future<List<Target>> resolveAll(Collection<String> raws) {
    Map<String, String[]> candidates = new LinkedHashMap<>();
    List<String> lookup = new ArrayList<>();
    for (String raw : raws) {
      String address = Addresses.normalEmail(raw);
      if (address == null) continue;
      String local = raw.trim().replaceAll("^<|>$", "");
      local = local.substring(0, local.lastIndexOf('@'));
      int plus = local.lastIndexOf('+');
      String base = plus > 0 ? address.substring(0, plus) + address.substring(address.lastIndexOf('@')) : null;
      String token = plus > 0 && TOKEN.matcher(local.substring(plus + 1)).matches() ? local.substring(plus + 1) : null;
      candidates.putIfAbsent(address, new String[] {address, base, token});
      lookup.add(address);
      if (base != null) lookup.add(base);
    }
    if (lookup.isEmpty()) return Future.succeededFuture(List.of());
    return node.db().list("SELECT address, inbox_id FROM endpoint WHERE channel = 'email' AND address = ANY($1)",
        (Object) lookup.toArray(String[]::new)).map(rows -> {
          Map<String, Long> inboxes = new LinkedHashMap<>();
          for (Row r : rows) inboxes.put(r.getString("address"), r.getLong("inbox_id"));
          Map<Long, Target> byInbox = new LinkedHashMap<>();
          for (String[] c : candidates.values()) {
            Target t = inboxes.containsKey(c[0]) ? new Target(c[0], inboxes.get(c[0]), null)
                : c[1] != null && inboxes.containsKey(c[1]) ? new Target(c[1], inboxes.get(c[1]), c[2]) : null;
            if (t != null) keep(byInbox, t);
          }
          return List.copyOf(byInbox.values());
        });
  }

  /** One target per inbox: the first, unless a later one carries a conversation token and the first does not. */
  static void keep(Map<Long, Target> byInbox, Target t) {
    Target had = byInbox.get(t.inboxId());
    if (had == null || (had.token() == null && t.token() != null)) byInbox.put(t.inboxId(), t);
  }

  /**
   * Parses and prepares a raw mail on a worker thread. The first {@code ownHeaderBytes} bytes are a header this hub
   * added (Received): they are parsed but left out of the content hash that stands in for a missing Message-ID.
   */
  Future<Prepared> prepare(byte[] raw, int ownHeaderBytes) {
    return node.vertx().executeBlocking(() -> prepareNow(raw, ownHeaderBytes), false);
  }

  /** As {@link #prepare}, on the calling thread: for callers already on a worker thread (IMAP). */
  Prepared prepareNow(byte[] raw, int ownHeaderBytes) throws Exception {
    ParsedMail mail;
    try {
      mail = MailParser.parse(raw);
    } catch (MailParser.Unreadable e) {
      throw new Rejected(554, "5.6.0 " + e.getMessage());
    }
    String providerId = mail.messageId();
    if (providerId == null) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(raw, ownHeaderBytes, raw.length - ownHeaderBytes);
      providerId = "sha256:" + HexFormat.of().formatHex(d.digest());
    }
    ReplyText.Split split = ReplyText.split(mail.text());
    String fresh = split.fresh();
    if (split.quoted() == null && mail.html() != null) {
      // some clients mark the quote only in the HTML part (Outlook's reply header block, Gmail's gmail_quote)
      String fromHtml = ReplyText.freshFromHtml(mail.html());
      if (fromHtml != null && !fromHtml.isBlank()) fresh = fromHtml;
    }
    List<InboundMessage.Attachment> files = new ArrayList<>();
    for (ParsedMail.Part p : mail.parts()) {
      boolean fits = p.content().length <= maxAttachment;
      files.add(new InboundMessage.Attachment(p.filename(), p.contentType(), fits ? Buffer.buffer(p.content()) : null,
          p.contentId(), p.inline(), null, fits ? null : "larger than the attachment limit of " + maxAttachment + " bytes"));
    }
    return new Prepared(mail, providerId, fresh, mail.text(), split.quoted(), SafeHtml.sanitize(mail.html()), files);
  }

  /**
   * Stores a received mail once per target, one after the other. Recipients whose endpoint went away meanwhile are
   * skipped; when none is left the mail is refused (550).
   */
  Future<List<IngestResult>> deliver(Prepared p, List<Target> targets, JsonObject details, String envelopeSender) {
    Addr from = p.mail().from() != null ? p.mail().from() : envelopeSender == null ? null : new Addr(envelopeSender, null);
    if (from == null) return Future.failedFuture(new Rejected(550, "5.1.7 the message has no sender address"));
    List<IngestResult> stored = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Target t : targets) {
      InboundMessage m = message(p, t.endpointAddress(), from, t.token(), false, null, details);
      chain = chain.compose(v -> ingest.ingest(m).map(r -> {
        stored.add(r);
        return (Void) null;
      }).recover(e -> e instanceof UnknownEndpoint ? Future.succeededFuture() : Future.failedFuture(e)));
    }
    return chain.compose(v -> stored.isEmpty()
        ? Future.failedFuture(new Rejected(550, "5.1.1 no such mailbox here"))
        : Future.succeededFuture(stored));
  }

  /**
   * Stores a mail found in a connected mailbox. Mail the address sent itself (its Sent folder, or From the address)
   * becomes an outbound activity in the conversation with its first other recipient. Null when there is nobody
   * to file it under (a note to self).
   */
  Future<IngestResult> importFromMailbox(Prepared p, Endpoint ep, boolean sentFolder, JsonObject details) {
    String self = ep.address();
    Addr from = p.mail().from();
    if (sentFolder || (from != null && self.equals(from.address()))) {
      Addr to = null;
      for (List<Addr> list : List.of(p.mail().to(), p.mail().cc())) {
        for (Addr a : list) {
          if (to == null && a.address() != null && !a.address().equals(self) && !isTokenAddressOf(a.address(), self)) to = a;
        }
      }
      if (to == null) return Future.succeededFuture(null);
      String author = from != null && from.name() != null ? from.name() : ep.name() != null ? ep.name() : self;
      return ingest.ingest(message(p, self, to, null, true, author, details));
    }
    if (from == null) return Future.failedFuture(new Rejected(550, "5.1.7 the message has no sender address"));
    String token = null;
    for (String r : p.mail().recipientAddresses()) {
      if (token == null && isTokenAddressOf(r, self)) {
        String t = r.substring(r.lastIndexOf('+') + 1, r.lastIndexOf('@'));
        if (TOKEN.matcher(t).matches()) token = t;
      }
    }
    return ingest.ingest(message(p, self, from, token, false, null, details));
  }

  private static boolean isTokenAddressOf(String address, String endpoint) {
    int at = address.lastIndexOf('@');
    int plus = address.lastIndexOf('+', at);
    return plus > 0 && plus < at && (address.substring(0, plus) + address.substring(at)).equals(endpoint);
  }

  /** The normal form of a mail; an outbound one has {@code contact} as its recipient and {@code author} as writer. */
  private static InboundMessage message(Prepared p, String endpoint, Addr contact, String token, boolean outbound,
                                        String author, JsonObject details) {
    ParsedMail mail = p.mail();
    JsonObject email = new JsonObject()
        .put("message_id", mail.messageId())
        .put("in_reply_to", new JsonArray(new ArrayList<Object>(mail.inReplyTo())))
        .put("references", new JsonArray(new ArrayList<Object>(mail.references())))
        .put("from", mail.from() == null ? null : mail.from().json())
        .put("to", ParsedMail.json(mail.to()))
        .put("cc", ParsedMail.json(mail.cc()))
        .put("reply_to", ParsedMail.json(mail.replyTo()))
        .put("date", mail.date() == null ? null : mail.date().toString())
        .put("headers", mail.headers())
        .put("html_sanitized", p.safeHtml() != null);
    if (p.full() != null && !p.full().equals(p.fresh())) email.put("full_text", p.full());
    if (p.quoted() != null) email.put("quoted_text", p.quoted());
    email.mergeIn(details);
    InboundMessage.Builder b = InboundMessage.builder("email", endpoint, contact.address())
        .senderName(contact.name())
        .providerId(p.providerId())
        .sentAt(mail.date())
        .subject(MailParser.cap(mail.subject(), 998))
        .text(p.fresh())
        .html(p.safeHtml())
        .thread(new InboundMessage.Thread(token, mail.threadIds()))
        .data(new JsonObject().put("email", email));
    p.attachments().forEach(b::attachment);
    if (outbound) b.outbound(author);
    return b.build();
  }

  /** The conversation and activity a stored mail landed in, for test routing. */
  Future<Row> landed(long endpointId, String providerId) {
    return Db.one(node.db().pool(), "SELECT id, conversation_id, inbox_id FROM activity WHERE endpoint_id = $1 AND provider_id = $2",
        endpointId, providerId);
  }
}
