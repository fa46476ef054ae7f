package io.switchboard.channel.email;

import io.switchboard.Hub;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.file.Path;
import java.util.List;

/**
 * The e-mail channel. Mail arrives three ways, all through {@link MailIntake} into Ingest: the SMTP listener
 * ({@link SmtpServer}, for MX records and forwarding), connected mailboxes polled over IMAP
 * ({@link MailboxPoller}), and {@code POST /hooks/email/mime} for providers that post raw MIME ({@link MimeHook}).
 * Replies leave through the endpoint's SMTP server ({@link EmailSender}). {@link EmailApi} shows a mailbox's
 * status and tests an inbox's routing.
 */
public final class EmailChannel {

  /** Where providers post raw MIME; its body limit is the message limit, not the usual one. */
  public static final String MIME_HOOK_PATH = "/hooks/email/mime";

  private EmailChannel() {
  }

  /**
   * Starts the SMTP listener and the mailbox poller and registers the sender; called once per hub. Returns the
   * deployment ids: undeploy them while the database is still open, so the poller hands its mailboxes over.
   */
  public static Future<List<String>> deploy(Hub hub) {
    MailIntake intake = new MailIntake(hub);
    OAuthTokens tokens = new OAuthTokens(hub);
    hub.senders.register("email", new EmailSender(hub, tokens));
    return hub.vertx.deployVerticle(new SmtpServer(hub, intake))
        .compose(smtp -> hub.vertx.deployVerticle(new MailboxPoller(hub, intake, tokens)).map(poller -> List.of(poller, smtp)));
  }

  /** Mounts the mailbox status and test-routing calls; called by every HTTP verticle instance. */
  public static void mountApi(Router api, Hub hub) {
    EmailApi.mount(api, hub, new MailIntake(hub));
  }

  /** Mounts {@code POST /hooks/email/mime}; called by every HTTP verticle instance. */
  public static void mountHooks(Router hooks, Hub hub) {
    MimeHook.mount(hooks, hub, new MailIntake(hub));
  }

  /** The body handler of the MIME webhook: large enough for a whole message, form-encoded or multipart. */
  public static BodyHandler bodyHandler(Hub hub) {
    long limit = hub.config.longValue("smtp.max_message_bytes");
    // form encoding can triple the size of a message (every byte %XX) before it is decoded
    return BodyHandler.create(true).setBodyLimit(limit * 3 + 65_536)
        .setUploadsDirectory(Path.of(hub.config.string("data.dir"), "uploads").toString())
        .setDeleteUploadedFilesOnEnd(true);
  }

  /** The largest form field the HTTP server must accept: a whole message in {@code body-mime}. */
  public static int maxFormAttributeBytes(Hub hub) {
    return (int) Math.min(Integer.MAX_VALUE, hub.config.longValue("smtp.max_message_bytes") + 65_536);
  }
}
