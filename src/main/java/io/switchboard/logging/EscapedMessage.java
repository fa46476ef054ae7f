package io.switchboard.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %escapedMsg} in logback.xml: the log message with control characters escaped. Log lines carry what senders
 * and providers control (addresses, parameters, error texts); a raw CR or LF in them would forge log entries, an
 * ESC would drive the operator's terminal. Escaping once here covers every log call, so none needs to escape its
 * arguments.
 */
public final class EscapedMessage extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return escape(event.getFormattedMessage());
  }

  /**
   * {@code s} with C0 and C1 control characters, DEL and the Unicode line and paragraph separators written as
   * {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}; everything else as it is.
   */
  public static String escape(String s) {
    if (s == null) return null;
    int i = 0;
    while (i < s.length() && !escaped(s.charAt(i))) i++;
    if (i == s.length()) return s; // the usual case: nothing to copy
    StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!escaped(c)) b.append(c);
      else if (c == '\n') b.append("\\n");
      else if (c == '\r') b.append("\\r");
      else if (c == '\t') b.append("\\t");
      else b.append(String.format("\\u%04x", (int) c));
    }
    return b.toString();
  }

  private static boolean escaped(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }
}
