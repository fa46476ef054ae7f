package io.switchboard.channel.email;

import io.switchboard.attachment.AttachmentStore;
import io.switchboard.auth.InviteMailer;
import io.switchboard.channel.Channel;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.common.ApiError;
import io.switchboard.http.Routes;
import io.switchboard.inbox.Addresses;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.outbound.ChannelSender;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The e-mail channel. Mail arrives three ways, all through {@link MailIntake} into Ingest: the SMTP listener
 * ({@link SmtpServer}, for MX records and forwarding), connected mailboxes polled over IMAP
 * ({@link MailboxPoller}), and {@code POST /hooks/email/mime} for providers that post raw MIME ({@link MimeHook}).
 * Replies leave through the endpoint's SMTP server ({@link EmailSender}). {@link EmailApi} shows a mailbox's
 * status and tests an inbox's routing.
 */
public final class EmailChannel implements Channel {

  /** Where providers post raw MIME; its body limit is the message limit, not the usual one. */
  public static final String MIME_HOOK_PATH = "/hooks/email/mime";

  private final Node node;
  private final MailIntake intake;
  private final OAuthTokens tokens;

  public EmailChannel(Node node, Ingest ingest, AttachmentStore attachments) {
    this.node = node;
    this.intake = new MailIntake(node, ingest, attachments.maxBytes());
    this.tokens = new OAuthTokens(node);
  }

  /** Invite links by e-mail, through the workspace's outgoing mail server. */
  public InviteMailer inviteMailer() {
    return new InviteMail(node, tokens);
  }

  @Override
  public Set<String> names() {
    return Set.of("email");
  }

  @Override
  public String address(String channel, String raw) {
    if (raw == null) throw ApiError.validation("address", "address (the e-mail address) is required");
    return Addresses.email("address", raw);
  }

  @Override
  public void validate(String channel, JsonObject settings, JsonObject secrets) {
    EmailSettings.validate(settings, secrets);
  }

  /** The mailbox over IMAP and the outgoing server over SMTP, or how mail reaches an address without a mailbox. */
  @Override
  public Future<ConnectionReport> test(Endpoint ep) {
    return new MailCheck(node).test(ep);
  }

  /** Where this hub's own SMTP listener is reached, for addresses without a mailbox. */
  @Override
  public JsonObject setup(String channel) {
    return new JsonObject().put("smtp_listener", new JsonObject()
        .put("host", MailCheck.listenerHost(node))
        .put("port", node.state().smtpPort())
        .put("message", MailCheck.listenerWords(node)));
  }

  /** Replies leave through the endpoint's own SMTP server. */
  @Override
  public Map<String, ChannelSender> senders() {
    return Map.of("email", new EmailSender(node, tokens));
  }

  /**
   * Starts the SMTP listener and the mailbox poller. Returns the deployment ids: undeploy them while the database
   * is still open, so the poller hands its mailboxes over.
   */
  @Override
  public Future<List<String>> start() {
    return node.vertx().deployVerticle(new SmtpServer(node, intake))
        .compose(smtp -> node.vertx().deployVerticle(new MailboxPoller(node, intake, tokens)).map(poller -> List.of(poller, smtp)));
  }

  /** The mailbox status and test-routing calls, and {@code POST /hooks/email/mime}. */
  @Override
  public void mount(Routes routes) {
    EmailApi.mount(routes.api(), node, intake);
    MimeHook.mount(routes.hooks(), node, intake);
  }

  /** The body handler of the MIME webhook: large enough for a whole message, form-encoded or multipart. */
  public static BodyHandler bodyHandler(Node node) {
    long limit = node.config().smtp().maxMessageBytes();
    // form encoding can triple the size of a message (every byte %XX) before it is decoded
    return BodyHandler.create(true).setBodyLimit(limit * 3 + 65_536)
        .setUploadsDirectory(Path.of(node.config().data().dir(), "uploads").toString())
        .setDeleteUploadedFilesOnEnd(true);
  }

  /** The largest form field the HTTP server must accept: a whole message in {@code body-mime}. */
  public static int maxFormAttributeBytes(Node node) {
    return (int) Math.min(Integer.MAX_VALUE, node.config().smtp().maxMessageBytes() + 65_536);
  }
}
