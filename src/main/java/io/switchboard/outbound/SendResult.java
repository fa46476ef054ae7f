package io.switchboard.outbound;

import io.vertx.core.json.JsonObject;

/**
 * What a provider said to an accepted send: its id for the message (matched later by status callbacks), the
 * status to record ({@code sent}, or {@code delivered} where the provider confirms delivery synchronously) and
 * anything worth keeping on the activity.
 */
public record SendResult(String providerId, String status, JsonObject data) {

  public static SendResult sent(String providerId) {
    return new SendResult(providerId, "sent", new JsonObject());
  }
}
