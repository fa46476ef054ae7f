package io.switchboard.event;

/** Event-bus addresses of the live stream. Events are written only through {@link EventLog}. */
public final class Events {

  private Events() {
  }

  /** The event-bus address of an inbox's stream. */
  public static String inboxAddress(long inboxId) {
    return "inbox." + inboxId;
  }

  /** The event-bus address of one user's control messages (membership granted, deactivated). */
  public static String userAddress(long userId) {
    return "user." + userId;
  }

  /**
   * Node-local address on which the publishing node announces each batch of events it sent (header {@code types}:
   * their types), for automations and others that follow the log.
   */
  public static final String SEQUENCED = "events.sequenced";
}
