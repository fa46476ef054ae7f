package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.switchboard.auth.Secrets;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.SendFailure;
import io.switchboard.outbound.SendResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends e-mail replies through the endpoint's own SMTP server (settings {@code smtp}) with the Vert.x Mail client.
 * The mail leaves from the endpoint's address (named after the endpoint or its inbox), carries a Message-ID that
 * becomes the activity's provider id, In-Reply-To and References built from the conversation so the customer's
 * client threads it, and a {@code Reply-To: local+<conversation token>@domain} so even a client that drops those
 * headers answers into the same conversation. SMTP 4xx replies are retried, 5xx are final.
 */
final class EmailSender implements ChannelSender {

  private record Pooled(String fingerprint, MailClient client) {
  }

  private final Node node;
  private final OAuthTokens tokens;
  private final Map<Long, Pooled> clients = new ConcurrentHashMap<>();

  EmailSender(Node node, OAuthTokens tokens) {
    this.node = node;
    this.tokens = tokens;
  }

  @Override
  public Future<Void> check(Outgoing m) {
    if (smtp(m.from()) == null) {
      return Future.failedFuture(ApiError.conflict("from_endpoint_id", m.from().address()
          + " cannot send e-mail yet: it has no outgoing mail server. An admin can set one up in the inbox's settings (the endpoint's SMTP settings)"));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<SendResult> send(Outgoing m) {
    EmailSettings.Account smtp = smtp(m.from());
    if (smtp == null) {
      return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.NOT_CONFIGURED, "no_smtp", m.from().address() + " has no outgoing mail server (settings.smtp)"));
    }
    return node.db().one("SELECT name FROM inbox WHERE id = $1", m.inboxId())
        .compose(inbox -> node.db().list("""
            SELECT provider_id, data -> 'email' -> 'references' AS refs FROM activity
            WHERE conversation_id = $1 AND kind = 'message' AND id <> $2 AND provider_id LIKE '%@%'
            ORDER BY id""", m.conversationId(), m.activityId())
            .compose(previous -> files(m).compose(attachments -> {
              MailMessage mail = message(m, inbox == null ? null : inbox.getString("name"), previous, attachments);
              String messageId = mail.getHeaders().get("Message-ID");
              Future<EmailSettings.Account> signedIn = smtp.refreshed()
                  ? tokens.token(m.from()).map(smtp::withToken) : Future.succeededFuture(smtp);
              return signedIn.compose(a -> client(m.from(), a).sendMail(mail))
                  .recover(t -> Future.failedFuture(failure(m.from(), smtp, t)))
                  .map(r -> {
                    String id = MessageIds.one(messageId);
                    JsonObject email = new JsonObject().put("message_id", id)
                        .put("in_reply_to", mail.getHeaders().get("In-Reply-To") == null ? new JsonArray()
                            : new JsonArray(new ArrayList<Object>(MessageIds.all(mail.getHeaders().get("In-Reply-To")))))
                        .put("references", new JsonArray(new ArrayList<Object>(MessageIds.all(mail.getHeaders().get("References")))))
                        .put("to", new JsonArray().add(m.to())).put("subject", mail.getSubject())
                        .put("reply_to", mail.getHeaders().get("Reply-To"));
                    return new SendResult(id, "sent", new JsonObject().put("email", email));
                  });
            })));
  }

  private MailMessage message(Outgoing m, String inboxName, List<Row> previous, List<MailAttachment> attachments) {
    Endpoint ep = m.from();
    String domain = ep.address().substring(ep.address().lastIndexOf('@') + 1);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("Message-ID", MessageIds.bracket(messageId(m, domain)));
    String subject = m.subject();
    if (!previous.isEmpty()) {
      Row parent = previous.get(previous.size() - 1);
      List<String> parentRefs = new ArrayList<>();
      JsonArray refs = parent.getValue("refs") instanceof JsonArray a ? a : null;
      if (refs != null && !refs.isEmpty()) {
        refs.forEach(x -> parentRefs.add(String.valueOf(x)));
      } else {
        previous.subList(0, previous.size() - 1).forEach(r -> parentRefs.add(r.getString("provider_id")));
      }
      headers.set("In-Reply-To", MessageIds.bracket(parent.getString("provider_id")));
      headers.set("References", MessageIds.header(MessageIds.chain(parentRefs, parent.getString("provider_id"))));
      if (subject == null || subject.isBlank()) subject = reply(m.conversationSubject());
    }
    if (subject == null || subject.isBlank()) subject = m.conversationSubject() == null ? "(no subject)" : m.conversationSubject();
    if (EmailSettings.replyToToken(ep) && m.threadToken() != null) {
      String local = ep.address().substring(0, ep.address().lastIndexOf('@'));
      headers.set("Reply-To", ep.address().replace(local + "@", local + "+" + m.threadToken() + "@"));
    }
    String name = ep.name() != null && !ep.name().isBlank() ? ep.name() : inboxName;
    MailMessage mail = new MailMessage()
        .setFrom(display(name, ep.address()))
        .setBounceAddress(ep.address())
        .setTo(display(m.contactName(), m.to()))
        .setSubject(subject)
        .setHeaders(headers);
    if (m.text() != null && !m.text().isBlank()) mail.setText(m.text());
    if (m.html() != null && !m.html().isBlank()) mail.setHtml(m.html());
    if (mail.getText() == null && mail.getHtml() == null) mail.setText("");
    if (!attachments.isEmpty()) mail.setAttachment(attachments);
    return mail;
  }

  /** Stable across retries of one reply, so a retry after a lost answer is the same mail, and not guessable. */
  private static String messageId(Outgoing m, String domain) {
    byte[] d = Secrets.sha256(m.threadToken() + ":" + m.activityId());
    return "sb." + m.activityId() + "." + HexFormat.of().formatHex(d, 0, 8) + "@" + domain;
  }

  static String reply(String subject) {
    if (subject == null || subject.isBlank()) return "Re: your message";
    return subject.regionMatches(true, 0, "re:", 0, 3) ? subject : "Re: " + subject;
  }

  /**
   * "Name &lt;address&gt;". The Vert.x mail client writes the name as an RFC 2047-encoded comment, so characters
   * that would end the comment or the address are left out.
   */
  private static String display(String name, String address) {
    if (name == null || name.isBlank()) return address;
    String clean = name.replaceAll("[\"\\\\<>()\\r\\n]", "").trim();
    return clean.isEmpty() ? address : clean + " <" + address + ">";
  }

  private Future<List<MailAttachment>> files(Outgoing m) {
    List<Future<MailAttachment>> all = new ArrayList<>();
    for (Outgoing.File f : m.attachments()) {
      if (f.path() == null) continue;
      all.add(node.vertx().fileSystem().readFile(f.path().toString()).map(b -> MailAttachment.create().setData(b)
          .setName(f.filename() == null ? "attachment" : f.filename())
          .setContentType(f.contentType() == null ? "application/octet-stream" : f.contentType())
          .setDisposition("attachment")));
    }
    return Future.all(all).map(cf -> {
      List<MailAttachment> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) out.add(cf.resultAt(i));
      return out;
    }).recover(t -> Future.failedFuture(SendFailure.retryable(SendFailure.Cause.ATTACHMENT, "attachment_unreadable", "an attachment could not be read: " + t.getMessage())));
  }

  /** One pooled client per endpoint, replaced when its settings change. */
  private MailClient client(Endpoint ep, EmailSettings.Account a) {
    String fingerprint = a.host() + "|" + a.port() + "|" + a.security() + "|" + a.username() + "|" + a.secret();
    Pooled p = clients.get(ep.id());
    if (p != null && p.fingerprint().equals(fingerprint)) return p.client();
    MailConfig config = a.mailConfig(SmtpServer.ownName(node)).setKeepAlive(true).setMaxPoolSize(4).setIdleTimeout(60);
    MailClient client = MailClient.create(node.vertx(), config);
    Pooled old = clients.put(ep.id(), new Pooled(fingerprint, client));
    if (old != null) old.client().close();
    return client;
  }

  /** The endpoint's outgoing server; for a sandbox endpoint the sandbox's SMTP sink on this node (plain, no sign-in). */
  private EmailSettings.Account smtp(Endpoint ep) {
    if (!ep.sandbox()) return EmailSettings.smtp(ep);
    return new EmailSettings.Account("127.0.0.1", node.state().sandboxSmtpPort(), "none", null, null, null, false);
  }


  /** SMTP 4xx: try again later; 5xx: refused for good; no answer at all (network, TLS): try again. */
  private SendFailure failure(Endpoint ep, EmailSettings.Account smtp, Throwable t) {
    if (t instanceof OAuthTokens.Refused r) {
      return r.permanent ? SendFailure.permanent(SendFailure.Cause.AUTH_REFUSED, "oauth2_refused", r.getMessage()) : SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "oauth2_unreachable", r.getMessage());
    }
    if (smtp.refreshed() && t instanceof SMTPException e && e.getReplyCode() == 535) {
      // the token was revoked or expired early: the retry refreshes it, and a refused refresh then fails for good
      tokens.rejected(ep);
      return SendFailure.retryable(SendFailure.Cause.AUTH_REFUSED, "smtp_535", "the mail server refused the access token; it is refreshed for the retry");
    }
    return failure(t);
  }

  static SendFailure failure(Throwable t) {
    if (t instanceof SMTPException e) {
      String text = "the mail server answered " + e.getReplyCode() + " " + String.join(" ", e.getReplyMessages() == null
          ? List.of() : e.getReplyMessages());
      String code = "smtp_" + e.getReplyCode();
      int reply = e.getReplyCode();
      // 530/534/535: the login was refused; 550/551/553: the recipient's mailbox does not exist or is not accepted
      SendFailure.Cause cause = reply == 530 || reply == 534 || reply == 535 ? SendFailure.Cause.AUTH_REFUSED
          : reply == 550 || reply == 551 || reply == 553 ? SendFailure.Cause.INVALID_RECIPIENT
          : reply >= 500 ? SendFailure.Cause.REFUSED : SendFailure.Cause.PROVIDER_ERROR;
      return reply >= 500 ? SendFailure.permanent(cause, code, text.trim()) : SendFailure.retryable(cause, code, text.trim());
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "smtp_unreachable", "the mail server could not be reached: " + message);
  }
}
