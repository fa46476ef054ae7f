package io.switchboard.outbound;

/**
 * A send that did not go through. {@code retryable}: the provider was unreachable, timed out, rate-limited us or
 * failed on its side (5xx); otherwise it refused the message for good (4xx) and retrying would not help.
 * {@code cause} is what went wrong in terms an agent can act on, set where the failure is raised (the sender knows
 * whether a 401 meant bad credentials or a 400 a bad number); {@link FailureWords} says it in words.
 */
public final class SendFailure extends RuntimeException {

  public final boolean retryable;
  public final String code;
  public final Cause cause;

  /** What went wrong, by who can put it right. */
  public enum Cause {
    /** The provider or server could not be reached, or did not answer in time. */
    UNREACHABLE(Fault.ENDPOINT),
    /** The provider refused the endpoint's credentials (account, password, token). */
    AUTH_REFUSED(Fault.ENDPOINT),
    /** The endpoint lacks what sending needs (an account, a mail server, a token, a callback URL). */
    NOT_CONFIGURED(Fault.ENDPOINT),
    /** Sending is switched off on the endpoint. */
    ENDPOINT_DISABLED(Fault.ENDPOINT),
    /** The provider failed on its side (5xx, an answer we could not read). */
    PROVIDER_ERROR(Fault.ENDPOINT),
    /** The provider is limiting how fast we send. */
    RATE_LIMITED(Fault.NONE),
    /** The recipient's number or address is not valid, or cannot receive on this channel. */
    INVALID_RECIPIENT(Fault.RECIPIENT),
    /** The channel's 24-hour window is closed: only a template (WhatsApp) or the customer writing first helps. */
    WINDOW_CLOSED(Fault.RECIPIENT),
    /** The provider refused this message (its content, size, or a policy). */
    REFUSED(Fault.MESSAGE),
    /** An attachment could not be read or is not accepted. */
    ATTACHMENT(Fault.MESSAGE),
    /** The message, its conversation or its endpoint no longer exists. */
    GONE(Fault.MESSAGE),
    /** Nothing more is known. */
    UNKNOWN(Fault.NONE);

    /** Whose side the failure is on: an endpoint failing for this reason is failing for every message. */
    public final Fault fault;

    Cause(Fault fault) {
      this.fault = fault;
    }

    public String key() {
      return name().toLowerCase();
    }

    /** The cause of a stored key; {@link #UNKNOWN} for null or anything else. */
    public static Cause of(String key) {
      if (key == null) return UNKNOWN;
      for (Cause c : values()) if (c.key().equals(key)) return c;
      return UNKNOWN;
    }
  }

  /** Whose side a failure is on. */
  public enum Fault { ENDPOINT, RECIPIENT, MESSAGE, NONE }

  public SendFailure(boolean retryable, Cause cause, String code, String message) {
    super(message, null, false, false);
    this.retryable = retryable;
    this.cause = cause == null ? Cause.UNKNOWN : cause;
    this.code = code;
  }

  public static SendFailure retryable(Cause cause, String code, String message) {
    return new SendFailure(true, cause, code, message);
  }

  public static SendFailure permanent(Cause cause, String code, String message) {
    return new SendFailure(false, cause, code, message);
  }

  /**
   * The usual reading of an HTTP status from a provider's API: 401 and 403 refuse the credentials, 429 limits the
   * rate, 408 and 5xx fail on the provider's side (all three worth a retry), other 4xx refuse the message.
   */
  public static SendFailure ofHttpStatus(int status, String code, String message) {
    boolean retry = status == 408 || status == 429 || status >= 500;
    Cause cause = status == 401 || status == 403 ? Cause.AUTH_REFUSED : status == 429 ? Cause.RATE_LIMITED
        : retry ? Cause.PROVIDER_ERROR : Cause.REFUSED;
    return new SendFailure(retry, cause, code == null ? "http_" + status : code, message);
  }

  /** The same failure with another cause, for a sender that knows more than the HTTP status said. */
  public SendFailure because(Cause other) {
    return new SendFailure(retryable, other, code, getMessage());
  }
}
