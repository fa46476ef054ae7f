package io.switchboard.outbound;

import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * One reply as a sender needs it: the activity, where it goes (the conversation's contact address), where it
 * leaves from (the endpoint, with its secrets), and its attachments on disk.
 */
public record Outgoing(long activityId, long workspaceId, long inboxId, long conversationId, long contactId,
                       String contactName, String to, String conversationSubject, String threadToken, Endpoint from,
                       String subject, String text, String html, String senderName, List<File> attachments,
                       JsonObject data, int attempt) {

  /** An attachment to send; {@code path} is null when its bytes could not be stored. */
  public record File(long id, String filename, String contentType, long size, Path path) {
  }
}
