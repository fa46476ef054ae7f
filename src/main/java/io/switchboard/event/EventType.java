package io.switchboard.event;

/** Every event name, {@code noun.verb}, in one place. Logged events carry a seq; live-only ones (typing, presence) do not. */
public final class EventType {

  private EventType() {
  }

  public static final String CONVERSATION_CREATED = "conversation.created";
  /** status, assignee, snooze, priority, tags, unread-relevant changes */
  public static final String CONVERSATION_UPDATED = "conversation.updated";
  public static final String MESSAGE_CREATED = "message.created";
  /** delivery status of an outbound message, edits */
  public static final String MESSAGE_UPDATED = "message.updated";
  /** an agent read a conversation that had unread incoming messages (the widget shows it to the visitor) */
  public static final String CONVERSATION_READ = "conversation.read";
  public static final String CONTACT_UPDATED = "contact.updated";
  public static final String MEMBERSHIP_ADDED = "membership.added";
  public static final String MEMBERSHIP_REMOVED = "membership.removed";
  public static final String INBOX_UPDATED = "inbox.updated";

  // sent to one socket, never logged
  public static final String INBOX_ACCESS_GRANTED = "inbox.access_granted";
  public static final String INBOX_ACCESS_REVOKED = "inbox.access_revoked";
  public static final String TYPING = "typing";
  public static final String PRESENCE = "presence";
}
