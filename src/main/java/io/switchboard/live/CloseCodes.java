package io.switchboard.live;

import io.switchboard.socket.FrameReader;

/** WebSocket close codes of the live protocol (4xxx, echoing the HTTP status they resemble), in one place. */
public final class CloseCodes {

  private CloseCodes() {
  }

  /** The socket fell too far behind; reconnect and resume from the last seq. */
  public static final short RESYNC = 4100;
  /** Binary frames, or too many malformed frames. */
  public static final short PROTOCOL = FrameReader.PROTOCOL;
  /** The session ended (signed out, password changed). */
  public static final short SESSION_ENDED = 4401;
  /** The user was deactivated. */
  public static final short DEACTIVATED = 4403;
  /** No frame or pong within the heartbeat window. */
  public static final short HEARTBEAT = 4408;
  /** A frame over the size limit. */
  public static final short TOO_LARGE = FrameReader.TOO_LARGE;
  /** Frames sent faster than allowed, after a warning. */
  public static final short RATE_LIMITED = FrameReader.RATE_LIMITED;
  /** This node is shutting down; reconnect (to any node) and resume. */
  public static final short DRAIN = 4503;
}
