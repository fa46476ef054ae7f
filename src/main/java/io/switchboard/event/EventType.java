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
  /** fields, blocked, identities, properties, profiles, notes of a contact, and merges into it; data: contact, changes */
  public static final String CONTACT_UPDATED = "contact.updated";
  /** data: contact_id, conversation_ids (of that inbox, deleted with the contact) */
  public static final String CONTACT_DELETED = "contact.deleted";
  /** a conversation folded into another by a contact merge, or deleted with its contact; data: conversation_id, merged_into */
  public static final String CONVERSATION_DELETED = "conversation.deleted";
  /** name, properties, contacts attached or detached, notes; data: profile (id, name, properties), change, contact_id */
  public static final String PROFILE_UPDATED = "profile.updated";
  public static final String PROFILE_DELETED = "profile.deleted";
  /** data: opportunity (with contact_id) */
  public static final String OPPORTUNITY_CREATED = "opportunity.created";
  public static final String OPPORTUNITY_UPDATED = "opportunity.updated";
  public static final String OPPORTUNITY_DELETED = "opportunity.deleted";
  /** data: event (a calendar event of the frame's conversation) */
  public static final String CALENDAR_EVENT_CREATED = "calendar_event.created";
  public static final String CALENDAR_EVENT_UPDATED = "calendar_event.updated";
  public static final String CALENDAR_EVENT_DELETED = "calendar_event.deleted";
  public static final String MEMBERSHIP_ADDED = "membership.added";
  public static final String MEMBERSHIP_REMOVED = "membership.removed";
  public static final String INBOX_UPDATED = "inbox.updated";
  /** data: scheduled (a scheduled message of the frame's conversation) */
  public static final String SCHEDULED_CREATED = "scheduled.created";
  /** sent, canceled or failed; data: scheduled */
  public static final String SCHEDULED_UPDATED = "scheduled.updated";
  /** a conversation enrolled in a follow-up sequence; data: enrollment */
  public static final String ENROLLMENT_CREATED = "enrollment.created";
  /** a step sent, or the sequence completed, stopped or canceled; data: enrollment */
  public static final String ENROLLMENT_UPDATED = "enrollment.updated";
  /** a customer rated a conversation; data: review (see /api/v1/reviews) */
  public static final String REVIEW_CREATED = "review.created";

  // sent to one socket, never logged
  public static final String INBOX_ACCESS_GRANTED = "inbox.access_granted";
  public static final String INBOX_ACCESS_REVOKED = "inbox.access_revoked";
  public static final String TYPING = "typing";
  public static final String PRESENCE = "presence";
}
