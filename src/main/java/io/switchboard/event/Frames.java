package io.switchboard.event;

import io.vertx.core.json.JsonObject;

/** The one shape of a live frame: {@code {"seq","type","inbox","conversation","at","data"}}. */
public final class Frames {

  private Frames() {
  }

  /** A frame whose data is already encoded JSON text (as the event log holds it): nothing is parsed again. */
  public static String of(Long seq, String type, Long inbox, Long conversation, String at, String dataJson) {
    StringBuilder sb = new StringBuilder(dataJson.length() + 120);
    sb.append('{');
    if (seq != null) sb.append("\"seq\":").append(seq).append(',');
    sb.append("\"type\":");
    quote(sb, type);
    sb.append(",\"inbox\":").append(inbox).append(",\"conversation\":").append(conversation).append(",\"at\":");
    quote(sb, at);
    return sb.append(",\"data\":").append(dataJson).append('}').toString();
  }

  public static String of(Long seq, String type, Long inbox, Long conversation, String at, JsonObject data) {
    return of(seq, type, inbox, conversation, at, data.encode());
  }

  /** Type names and ISO times hold no character that needs escaping; anything else is encoded properly. */
  private static void quote(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
    } else if (s.chars().allMatch(c -> c >= 0x20 && c != '"' && c != '\\' && c < 0x7f)) {
      sb.append('"').append(s).append('"');
    } else {
      sb.append(io.vertx.core.json.Json.encode(s));
    }
  }
}
