package io.switchboard.db;

/**
 * The hub cannot take this now and has written nothing of it: the sender should try again after
 * {@code retryAfterSeconds} (HTTP 503 with Retry-After, SMTP 451). Raised where it is decided, never guessed later.
 */
public final class TryLater extends RuntimeException {

  public final int retryAfterSeconds;

  public TryLater(String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
