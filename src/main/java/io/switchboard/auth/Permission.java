package io.switchboard.auth;

/** What a role allows. Code checks these names, never role names. */
public enum Permission {
  /** read and answer conversations of inboxes the user is a member of */
  INBOX_USE("inbox.use"),
  CALLS_MAKE("calls.make"),
  /** edit contacts, profiles, property values, opportunities */
  CONTACTS_MANAGE("contacts.manage"),
  /** assign others, bulk actions */
  CONVERSATIONS_ASSIGN("conversations.assign"),
  REVIEWS_MANAGE("reviews.manage"),
  REPORTS_VIEW("reports.view"),
  /** inboxes, endpoints, members, users, roles, property definitions, chatbots */
  SETTINGS_MANAGE("settings.manage");

  public final String key;

  Permission(String key) {
    this.key = key;
  }

  public static Permission byKey(String key) {
    for (Permission p : values()) if (p.key.equals(key)) return p;
    return null;
  }
}
