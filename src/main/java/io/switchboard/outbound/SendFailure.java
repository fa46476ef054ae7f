package io.switchboard.outbound;

/**
 * A send that did not go through. {@code retryable}: the provider was unreachable, timed out, rate-limited us or
 * failed on its side (5xx); otherwise it refused the message for good (4xx) and retrying would not help.
 */
public final class SendFailure extends RuntimeException {

  public final boolean retryable;
  public final String code;

  public SendFailure(boolean retryable, String code, String message) {
    super(message, null, false, false);
    this.retryable = retryable;
    this.code = code;
  }

  public static SendFailure retryable(String code, String message) {
    return new SendFailure(true, code, message);
  }

  public static SendFailure permanent(String code, String message) {
    return new SendFailure(false, code, message);
  }

  /** The usual reading of an HTTP status from a provider's API. */
  public static SendFailure ofHttpStatus(int status, String code, String message) {
    boolean retry = status == 408 || status == 429 || status >= 500;
    return new SendFailure(retry, code == null ? "http_" + status : code, message);
  }
}
