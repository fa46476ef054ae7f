package io.switchboard.auth;

import io.vertx.core.Future;

/**
 * Sends an invite link by e-mail when the workspace has an outgoing mail server (an e-mail endpoint with
 * {@code settings.smtp}). Implemented by the e-mail channel; the wiring hands it to whoever invites.
 */
public interface InviteMailer {

  /** An invite to send: to whom, the link, who invites, and until when the link works. */
  record Invite(long workspaceId, String to, String name, String link, String invitedBy, String workspaceName,
                String expiresAt) {
  }

  /**
   * Sends the invite; true once the workspace's mail server accepted it, false when the workspace has no outgoing
   * mail server or it refused or could not be reached (the link is shown to the admin either way).
   */
  Future<Boolean> send(Invite invite);

  /** A hub without e-mail: nothing is ever sent. */
  InviteMailer NONE = invite -> Future.succeededFuture(false);
}
