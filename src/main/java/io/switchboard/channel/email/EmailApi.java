package io.switchboard.channel.email;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Secrets;
import io.switchboard.db.Db;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.common.Times;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

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
    return Db.one(node.db().pool(), "SELECT * FROM endpoint WHERE id = $1 AND workspace_id = $2", id, a.workspaceId())
        .compose(r -> r == null ? Future.failedFuture(ApiError.notFound("endpoint"))
            : Access.settingsVisible(node.db().pool(), a, r.getLong("inbox_id"))
                .recover(t -> Future.failedFuture(ApiError.notFound("endpoint"))).map(Endpoint.of(r)))
        .compose(ep -> {
          if (!ep.channel().equals("email")) return Future.failedFuture(ApiError.notFound("mailbox"));
          JsonObject out = new JsonObject().put("endpoint_id", ep.id()).put("address", ep.address())
              .put("configured", EmailSettings.imap(ep) != null).put("enabled", ep.enabled());
          if (EmailSettings.imap(ep) == null) return Future.succeededFuture(out.put("status", "not_configured"));
          return node.db().one("SELECT * FROM mailbox WHERE endpoint_id = $1", ep.id()).compose(m -> node.db().list(
                  "SELECT * FROM mailbox_folder WHERE endpoint_id = $1 ORDER BY role, folder", ep.id())
              .compose(folders -> node.db().list("""
                  SELECT * FROM mailbox_failure WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 50""", ep.id())
                  .map(failures -> status(out, ep, m, folders, failures))));
        });
  }

  private static JsonObject status(JsonObject out, Endpoint ep, Row m, java.util.List<Row> folders, java.util.List<Row> failures) {
    String status = !ep.enabled() ? "disabled" : m == null ? "pending" : m.getString("status");
    out.put("status", status)
        .put("error", m == null ? null : m.getString("error"))
        .put("idle", m != null && m.getBoolean("idle"))
        .put("last_poll_at", m == null ? null : Times.iso(m, "last_poll_at"))
        .put("last_success_at", m == null ? null : Times.iso(m, "last_success_at"))
        .put("failing_since", m == null ? null : Times.iso(m, "failing_since"))
        .put("imported_count", m == null ? 0 : m.getLong("imported_count"))
        .put("polled_by", m == null ? null : m.getString("claimed_by"));
    JsonArray f = new JsonArray();
    folders.forEach(r -> f.add(new JsonObject().put("folder", r.getString("folder")).put("role", r.getString("role"))
        .put("uidvalidity", r.getLong("uidvalidity")).put("last_uid", r.getLong("last_uid"))));
    JsonArray x = new JsonArray();
    failures.forEach(r -> x.add(new JsonObject().put("folder", r.getString("folder")).put("uid", r.getLong("uid"))
        .put("message_id", r.getString("message_id")).put("error", r.getString("error")).put("at", Times.iso(r, "at"))));
    return out.put("folders", f).put("failures", x);
  }

  private Future<?> testRouting(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    Long endpointId = Input.orEmpty(ctx).optId("endpoint_id");
    return Access.settingsEditable(node.db().pool(), a, inbox).compose(box -> Db.one(node.db().pool(), """
            SELECT * FROM endpoint WHERE inbox_id = $1 AND channel = 'email' AND ($2::bigint IS NULL OR id = $2)
            ORDER BY id LIMIT 1""", inbox, endpointId)
        .compose(r -> {
          if (r == null) {
            return Future.failedFuture(endpointId == null
                ? ApiError.conflict(null, "this inbox has no email address to test")
                : ApiError.validation("endpoint_id", "endpoint_id must be an email endpoint of this inbox"));
          }
          Endpoint ep = Endpoint.of(r);
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
