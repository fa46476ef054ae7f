package io.switchboard.channel.email;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;

/**
 * The message text of one SMTP DATA command, read as it arrives: ".." at a line start loses one dot
 * (RFC 5321 section 4.5.2), a line that is just "." after a CRLF ends it. Only CRLF ends a line here (a bare LF
 * is data), so a smuggled "LF.LF" cannot end a message early. Over-long lines and an over-large message are
 * noted and their bytes dropped, so memory stays bounded; the session answers once the end arrives.
 */
final class SmtpData {

  static final int MAX_TEXT_LINE = 1000;

  private final long maxBytes;
  private ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Buffer partial = Buffer.buffer();
  private long size;
  private boolean tooBig;
  private boolean lineTooLong;
  private boolean saw8bit;
  private boolean atLineStart = true;
  private boolean midLine;

  SmtpData(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Reads what arrived; returns the bytes after the end of the data once it came (maybe empty), else null. */
  Buffer feed(Buffer chunk) {
    byte[] b = partial.length() == 0 ? chunk.getBytes() : partial.appendBuffer(chunk).getBytes();
    partial = Buffer.buffer();
    int pos = 0;
    while (pos < b.length) {
      int lf = -1;
      for (int i = pos; i < b.length; i++) {
        if (b[i] == '\n') {
          lf = i;
          break;
        }
      }
      if (lf < 0) {
        if (b.length - pos > MAX_TEXT_LINE) {
          // an endless line: keep none of it, remember that the next bytes continue it
          lineTooLong = true;
          midLine = true;
        } else {
          partial = Buffer.buffer(b).getBuffer(pos, b.length);
        }
        return null;
      }
      boolean crlf = lf > pos && b[lf - 1] == '\r';
      int len = lf - pos + 1;
      if (midLine) {
        midLine = !crlf;
        atLineStart = crlf;
        pos = lf + 1;
        continue;
      }
      if (atLineStart && crlf && len == 3 && b[pos] == '.') return Buffer.buffer(b).getBuffer(lf + 1, b.length);
      if (crlf && len > MAX_TEXT_LINE) lineTooLong = true;
      append(b, atLineStart && b[pos] == '.' ? pos + 1 : pos, lf + 1);
      atLineStart = crlf;
      pos = lf + 1;
    }
    return null;
  }

  private void append(byte[] b, int from, int to) {
    if (tooBig || lineTooLong) {
      out = null;
      return;
    }
    size += to - from;
    if (size > maxBytes) {
      tooBig = true;
      out = null;
      return;
    }
    if (!saw8bit) {
      for (int i = from; i < to; i++) {
        if (b[i] < 0) {
          saw8bit = true;
          break;
        }
      }
    }
    out.write(b, from, to - from);
  }

  boolean tooBig() {
    return tooBig;
  }

  boolean lineTooLong() {
    return lineTooLong;
  }

  /** Bytes over 127 were sent (whether or not the client announced BODY=8BITMIME). */
  boolean saw8bit() {
    return saw8bit;
  }

  byte[] bytes() {
    return out == null ? new byte[0] : out.toByteArray();
  }
}
