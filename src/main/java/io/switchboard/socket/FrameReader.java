package io.switchboard.socket;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Reads what a client sends on one WebSocket, the same way for agents' and visitors' sockets: a frame over the size
 * limit closes the socket (after an error frame saying why); frames faster than allowed (a burst of twice the rate)
 * get a {@code rate_limited} error, and the socket closes after 20 of them; a frame that is not a JSON object with a
 * string {@code op}, or any other {@link #bad} frame, gets an error frame, and the socket closes after 20 of them.
 * Used on the socket's event loop only.
 */
public final class FrameReader {

  /** Binary frames, or too many malformed frames. */
  public static final short PROTOCOL = 4400;
  /** A frame over the size limit. */
  public static final short TOO_LARGE = 4413;
  /** Frames sent faster than allowed, after warnings. */
  public static final short RATE_LIMITED = 4429;
  /** Refused frames tolerated before the socket is closed. */
  private static final int TOLERATED = 20;

  /** The socket the frames come from. */
  public interface Peer {
    void send(JsonObject frame);

    void close(short code, String reason);
  }

  private final Peer peer;
  private final int maxBytes;
  private final TokenBucket rate;
  private int throttled;
  private int bad;

  public FrameReader(Peer peer, int maxBytes, int framesPerSecond) {
    this.peer = peer;
    this.maxBytes = maxBytes;
    this.rate = new TokenBucket(framesPerSecond * 2, 2000);
  }

  /** The frame as an operation (a JSON object with a string {@code op}); null when it was refused and answered. */
  public JsonObject read(String text) {
    if (overBytes(text, maxBytes)) {
      error("too_large", "frames are limited to " + maxBytes + " bytes");
      peer.close(TOO_LARGE, "frame over " + maxBytes + " bytes");
      return null;
    }
    if (!rate.take()) {
      if (++throttled > TOLERATED) peer.close(RATE_LIMITED, "too many frames");
      else error("rate_limited", "too many frames; slow down");
      return null;
    }
    JsonObject op;
    try {
      op = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      bad("bad_frame", "frames must be JSON objects");
      return null;
    }
    if (!(op.getValue("op") instanceof String)) {
      bad("bad_frame", "a frame needs an \"op\"");
      return null;
    }
    return op;
  }

  /** A binary frame: not part of either protocol. */
  public void binary() {
    bad("bad_frame", "binary frames are not part of the protocol");
  }

  /** Answers a frame the client should not have sent; too many close the socket. */
  public void bad(String code, String message) {
    if (++bad > TOLERATED) {
      peer.close(PROTOCOL, "too many bad frames");
      return;
    }
    error(code, message);
  }

  private void error(String code, String message) {
    peer.send(new JsonObject().put("type", "error").put("code", code).put("message", message));
  }

  /** Whether a received text frame is over {@code max} bytes in UTF-8; short frames are not measured at all. */
  static boolean overBytes(String text, int max) {
    // a UTF-16 unit is 1 to 3 bytes in UTF-8
    return text.length() > max || (text.length() > max / 3 && utf8Length(text) > max);
  }

  /** Bytes of a string in UTF-8, without encoding it. */
  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }
}
