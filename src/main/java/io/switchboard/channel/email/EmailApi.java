package io.switchboard.channel.email;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;

/**
 * {@code GET /api/v1/endpoints/{id}/mailbox}: a connected mailbox's status (connected, or failing with the server's
 * reason; last poll; folder positions; mails that could not be imported). {@code POST /api/v1/inboxes/{id}/test-routing}
 * ({@code settings.manage}): sends a test mail to one of the inbox's addresses through the hub's own SMTP listener,
 * the path real mail takes, and reports the conversation it landed in.
 */
final class EmailApi {

  static final String TEST_SENDER = "routing-test@switchboard.invalid";

  private final Node node;
  private final MailIntake intake;

  private EmailApi(Node node, MailIntake intake) {
    this.node = node;
    this.intake = intake;
  }

  static void mount(Router api, Node node, MailIntake intake) {
    EmailApi e = new EmailApi(node, intake);
    api.get("/endpoints/:id/mailbox").handler(Rest.handle(e::mailbox));
    api.post("/inboxes/:id/test-routing").handler(Rest.handle(e::testRouting));
  }

  private Future<?> mailbox(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return Endpoints.byId(node.db().pool(), id)
        .compose(ep -> ep == null || ep.workspaceId() != a.workspaceId() ? Future.failedFuture(ApiError.notFound("endpoint"))
            : Access.settingsVisible(node.db().pool(), a, ep.inboxId())
                .recover(t -> Future.failedFuture(ApiError.notFound("endpoint"))).map(ep))
        .compose(ep -> ep.channel().equals("email") ? Mailboxes.status(node.db().pool(), ep)
            : Future.failedFuture(ApiError.notFound("mailbox")));
  }

  private Future<?> testRouting(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    Long endpointId = Input.orEmpty(ctx).optId("endpoint_id");
    return Access.settingsEditable(node.db().pool(), a, inbox)
        .compose(box -> Mailboxes.testAddress(node.db().pool(), inbox, endpointId).compose(ep -> {
          if (ep == null) {
            return Future.failedFuture(endpointId == null
                ? ApiError.conflict(null, "this inbox has no email address to test")
                : ApiError.validation("endpoint_id", "endpoint_id must be an email endpoint of this inbox"));
          }
          return send(ep, a, box.getString("name"));
        }));
  }

  /** Sends the test mail to the listener as any SMTP client would, then looks up where it was stored. */
  private Future<JsonObject> send(Endpoint ep, Actor a, String inboxName) {
    String messageId = "routing-test." + Secrets.token(12) + "@switchboard.invalid";
    String listener = node.config().smtp().host();
    MailConfig config = new MailConfig()
        .setHostname(listener.equals("0.0.0.0") || listener.equals("::") ? "127.0.0.1" : listener)
        .setPort(node.state().smtpPort())
        .setStarttls(StartTLSOptions.DISABLED)
        .setLogin(LoginOption.DISABLED)
        .setKeepAlive(false)
        .setConnectTimeout(5_000)
        .setOwnHostname("switchboard.invalid");
    MailMessage mail = new MailMessage()
        .setFrom("\"Switchboard routing test\" <" + TEST_SENDER + ">")
        .setTo(ep.address())
        .setSubject("Routing test " + Instant.now().toString().substring(0, 19).replace('T', ' ') + " UTC")
        .setText("This test message was sent by " + a.name() + " to check that mail for " + ep.address()
            + " reaches the inbox " + inboxName + ".\n")
        .setHeaders(MultiMap.caseInsensitiveMultiMap().set("Message-ID", MessageIds.bracket(messageId)));
    MailClient client = MailClient.create(node.vertx(), config);
    JsonObject out = new JsonObject().put("endpoint", new JsonObject().put("id", ep.id()).put("address", ep.address()))
        .put("message_id", messageId);
    return client.sendMail(mail)
        .compose(sent -> intake.landed(ep.id(), messageId).map(row -> out.put("delivered", true)
            .put("smtp_reply", "250")
            .put("inbox_id", row == null ? null : row.getLong("inbox_id"))
            .put("conversation_id", row == null ? null : row.getLong("conversation_id"))
            .put("activity_id", row == null ? null : row.getLong("id"))))
        .recover(t -> Future.succeededFuture(out.put("delivered", false).put("smtp_reply", t instanceof SMTPException e
            ? e.getReplyCode() + " " + String.join(" ", e.getReplyMessages()) : "the listener did not answer: " + t.getMessage())))
        .onComplete(ar -> client.close());
  }
}
