package io.switchboard.channel.email;

import io.switchboard.auth.InviteMailer;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invite links by e-mail. A workspace has an outgoing mail server when one of its enabled e-mail endpoints has
 * {@code settings.smtp}: the invite leaves through the first such endpoint's server, from its address, as replies do.
 * Without one nothing is sent and the admin passes the link on themselves.
 */
final class InviteMail implements InviteMailer {

  private static final Logger log = LoggerFactory.getLogger(InviteMail.class);

  private final Node node;
  private final OAuthTokens tokens;

  InviteMail(Node node, OAuthTokens tokens) {
    this.node = node;
    this.tokens = tokens;
  }

  @Override
  public Future<Boolean> send(Invite invite) {
    return Db.one(node.db().pool(), """
            SELECT id FROM endpoint WHERE workspace_id = $1 AND channel = 'email' AND enabled
              AND coalesce(settings -> 'smtp' ->> 'host', '') <> '' ORDER BY id LIMIT 1""", invite.workspaceId())
        .compose(row -> row == null ? Future.succeededFuture((Endpoint) null) : Endpoints.byId(node.db().pool(), row.getLong("id")))
        .compose(ep -> {
          EmailSettings.Account smtp = ep == null ? null : EmailSettings.smtp(ep);
          if (smtp == null) return Future.succeededFuture(false);
          Future<EmailSettings.Account> signedIn = smtp.refreshed() ? tokens.token(ep).map(smtp::withToken) : Future.succeededFuture(smtp);
          return signedIn.compose(a -> {
            MailClient client = MailClient.create(node.vertx(), config(a));
            return client.sendMail(message(ep, invite)).onComplete(ar -> client.close()).map(true);
          }).recover(t -> {
            log.warn("the invite for user {} could not be e-mailed through {}: {}", invite.to(), ep.address(), t.getMessage());
            return Future.succeededFuture(false);
          });
        });
  }

  private static MailMessage message(Endpoint ep, Invite invite) {
    String workspace = invite.workspaceName() == null || invite.workspaceName().isBlank() ? "Switchboard" : invite.workspaceName();
    String text = "Hello " + invite.name() + ",\n\n"
        + invite.invitedBy() + " invited you to " + workspace + " on Switchboard, where your team answers customers.\n\n"
        + "Open this link to choose your password and sign in:\n\n" + invite.link() + "\n\n"
        + "The link works once, until " + invite.expiresAt().replace('T', ' ').replaceAll("\\.\\d+", "").replace("Z", " UTC")
        + ". If it has expired, ask " + invite.invitedBy() + " for a new one.\n";
    return new MailMessage()
        .setFrom(ep.address())
        .setBounceAddress(ep.address())
        .setTo(invite.to())
        .setSubject("You are invited to " + workspace + " on Switchboard")
        .setText(text);
  }

  private MailConfig config(EmailSettings.Account a) {
    return a.mailConfig(SmtpServer.ownName(node)).setKeepAlive(false);
  }
}
