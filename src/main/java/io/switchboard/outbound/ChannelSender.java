package io.switchboard.outbound;

import io.vertx.core.Future;

/**
 * Sends replies on one channel. Each channel package provides one and registers it in {@link Senders}; the
 * dispatcher calls it for every claimed outbox row, so a sender never touches the outbox itself.
 */
public interface ChannelSender {

  /**
   * Refuses a reply before it is queued, when the channel already knows it cannot be sent (for example outside
   * WhatsApp's customer-service window). Fails with an {@code ApiError} the agent reads.
   */
  default Future<Void> check(Outgoing message) {
    return Future.succeededFuture();
  }

  /** Sends; fails with {@link SendFailure} to say whether a retry may help. */
  Future<SendResult> send(Outgoing message);

  /**
   * Called after the dispatcher has committed a successful send (the provider id is stored on the activity). A
   * provider's status callback can overtake the send's own answer; a sender that parks such early callbacks applies
   * them here. Failures are logged, never retried: the send itself is done.
   */
  default Future<Void> recorded(long activityId, SendResult result) {
    return Future.succeededFuture();
  }
}
