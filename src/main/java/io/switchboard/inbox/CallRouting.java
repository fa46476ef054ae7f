package io.switchboard.inbox;

import io.switchboard.auth.Users;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * How an inbox answers calls: {@code {"ring":[7,"+31201234567"],"timeout_s":20,"after_hours":"voicemail"|"forward:+E164",
 * "greeting":"…"}}. {@code ring} lists user ids (rung in the browser and on their phone) or E.164 numbers; at most ten
 * ring at once; an empty or missing list rings every member. {@code greeting} is read to callers before voicemail.
 */
public final class CallRouting {

  private CallRouting() {
  }

  public static JsonObject validate(JsonObject in, String defaultRegion) {
    if (in == null) return null;
    String field = "call_routing";
    for (String k : in.fieldNames()) {
      if (!List.of("ring", "timeout_s", "after_hours", "greeting").contains(k)) throw ApiError.validation(field, "call_routing has an unknown field " + k);
    }
    JsonArray ring = new JsonArray();
    Object r = in.getValue("ring");
    if (r != null) {
      if (!(r instanceof JsonArray ra) || ra.size() > 10) {
        throw ApiError.validation(field, "call_routing.ring must be a list of at most 10 user ids or E.164 numbers");
      }
      for (Object x : ra) {
        if (x instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue()) ring.add(n.longValue());
        else if (x instanceof String s) ring.add(Addresses.phone(field, s, defaultRegion));
        else throw ApiError.validation(field, "call_routing.ring: " + x + " is neither a user id nor a phone number");
      }
    }
    Object t = in.getValue("timeout_s", 20);
    if (!(t instanceof Number tn) || tn.intValue() < 5 || tn.intValue() > 120) {
      throw ApiError.validation(field, "call_routing.timeout_s must be between 5 and 120 seconds");
    }
    String after = in.getValue("after_hours") == null ? "voicemail" : String.valueOf(in.getValue("after_hours"));
    if (after.startsWith("forward:")) {
      after = "forward:" + Addresses.phone(field, after.substring(8), defaultRegion);
    } else if (!after.equals("voicemail")) {
      throw ApiError.validation(field, "call_routing.after_hours must be \"voicemail\" or \"forward:+E164\"");
    }
    Object greeting = in.getValue("greeting");
    if (greeting != null && (!(greeting instanceof String g) || g.isBlank() || g.length() > 500)) {
      throw ApiError.validation(field, "call_routing.greeting must be a text of at most 500 characters");
    }
    JsonObject out = new JsonObject().put("ring", ring).put("timeout_s", tn.intValue()).put("after_hours", after);
    if (greeting != null) out.put("greeting", ((String) greeting).trim());
    return out;
  }

  /** The user ids among the ring targets, to check they exist. */
  public static List<Long> userIds(JsonObject routing) {
    if (routing == null) return List.of();
    return routing.getJsonArray("ring", new JsonArray()).stream()
        .filter(x -> x instanceof Number).map(x -> ((Number) x).longValue()).toList();
  }

  /** Users rung by call routing must be active users of the workspace. */
  public static Future<Void> checkRingUsers(SqlClient c, long workspaceId, JsonObject routing) {
    List<Long> ids = userIds(routing);
    if (ids.isEmpty()) return Future.succeededFuture();
    return Users.allActive(c, workspaceId, ids).compose(all -> all
        ? Future.succeededFuture()
        : Future.failedFuture(ApiError.validation("call_routing", "call_routing.ring names a user who does not exist or is inactive")));
  }
}
