package io.switchboard.ingest;

/**
 * What ingest did with a message. {@code duplicate}: the same provider id had already been stored on this
 * endpoint, and nothing was written this time; the sender is acknowledged all the same.
 */
public record IngestResult(long workspaceId, long inboxId, long endpointId, long conversationId, long contactId,
                           long activityId, boolean duplicate, boolean newConversation) {
}
