package io.switchboard.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * {@code %escapedEx} in logback.xml: a logged exception's stack trace, line by line as usual, with the messages of
 * the exception, its causes and suppressed exceptions escaped as {@link EscapedMessage} does. Exception messages
 * often quote input (a value that did not parse, a server's reply), so they could forge lines like a message could.
 */
public final class EscapedThrowable extends ThrowableProxyConverter {

  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return super.throwableProxyToString(escaped(tp));
  }

  private static IThrowableProxy escaped(IThrowableProxy tp) {
    return tp == null ? null : new Escaped(tp);
  }

  /** The same exception, its message escaped, its causes wrapped in turn. */
  private record Escaped(IThrowableProxy tp) implements IThrowableProxy {
    @Override
    public String getMessage() {
      return EscapedMessage.escape(tp.getMessage());
    }

    @Override
    public String getClassName() {
      return tp.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return tp.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return tp.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return escaped(tp.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] s = tp.getSuppressed();
      if (s == null) return null;
      IThrowableProxy[] out = new IThrowableProxy[s.length];
      for (int i = 0; i < s.length; i++) out[i] = escaped(s[i]);
      return out;
    }

    @Override
    public boolean isCyclic() {
      return tp.isCyclic();
    }
  }
}
