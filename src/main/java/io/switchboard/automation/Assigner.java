package io.switchboard.automation;

import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Timeline;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Automatic assignment, round-robin among an inbox's members who are online now (a live socket on any node, not
 * away) and below the inbox's cap of open conversations. The position in the round lives in PostgreSQL
 * ({@code inbox_assignment}, row-locked while choosing), so nodes share one round. With nobody eligible the
 * conversation stays unassigned.
 */
final class Assigner {

  private Assigner() {
  }

  /** The inbox's {@code auto_assign} settings when enabled, else null. */
  static JsonObject settings(JsonObject inboxSettings) {
    JsonObject s = inboxSettings == null ? null : inboxSettings.getJsonObject("auto_assign");
    return s != null && s.getBoolean("enabled", false) ? s : null;
  }

  /** Assigns as the inbox's automatic assignment does, with its cap; nothing when the inbox does not assign automatically. */
  static Future<Void> auto(Env env, Tx conn, Row conv, JsonObject inboxSettings) {
    JsonObject auto = settings(inboxSettings);
    return auto == null ? Future.succeededFuture()
        : assign(env, conn, conv, auto.getInteger("max_open_per_agent"), Timeline.Author.SYSTEM).mapEmpty();
  }

  /**
   * Assigns the conversation ({@code conv}: its locked {@code c.*} row, still unassigned) to the next eligible member;
   * returns the user id, or null when nobody is eligible. {@code cap}: most open conversations per member, or null.
   */
  static Future<Long> assign(Env env, Tx conn, Row conv, Integer cap, Timeline.Author by) {
    long inbox = conv.getLong("inbox_id");
    return Db.query(conn, "INSERT INTO inbox_assignment (inbox_id) VALUES ($1) ON CONFLICT DO NOTHING", inbox)
        .compose(v -> Db.one(conn, "SELECT last_user_id FROM inbox_assignment WHERE inbox_id = $1 FOR UPDATE", inbox))
        .compose(pos -> Db.list(conn, """
            SELECT u.id, u.name, (SELECT count(*) FROM conversation c
                                  WHERE c.inbox_id = $1 AND c.assignee_id = u.id AND c.status IN ('open', 'pending')) AS open
            FROM membership m JOIN app_user u ON u.id = m.user_id AND u.active
            WHERE m.inbox_id = $1 ORDER BY u.id""", inbox).compose(members -> {
              List<Row> eligible = new ArrayList<>();
              for (Row m : members) {
                if (!env.online().test(m.getLong("id"))) continue;
                if (cap != null && m.getLong("open") >= cap) continue;
                eligible.add(m);
              }
              if (eligible.isEmpty()) return Future.succeededFuture(null);
              Long last = pos.getLong("last_user_id");
              Row pick = eligible.stream().filter(m -> last == null || m.getLong("id") > last).findFirst().orElse(eligible.get(0));
              long user = pick.getLong("id");
              return Db.query(conn, "UPDATE inbox_assignment SET last_user_id = $2 WHERE inbox_id = $1", inbox, user)
                  .compose(v -> assignTo(conn, conv, user, pick.getString("name"), by, "automatically (round-robin)"))
                  .map(user);
            }));
  }

  /** Sets the assignee, with a system entry and a conversation.updated. */
  static Future<Void> assignTo(Tx conn, Row conv, long user, String name, Timeline.Author by, String how) {
    if (Objects.equals(conv.getLong("assignee_id"), user)) return Future.succeededFuture();
    long id = conv.getLong("id");
    return Db.query(conn, "UPDATE conversation SET assignee_id = $2, updated_at = now() WHERE id = $1", id, user)
        .compose(v -> Timeline.changed(conn, conv, List.of(Activities.Draft.system(by.type(), by.id(), by.name(),
            "Assigned to " + name + " " + how,
            new JsonObject().put("change", "assignee").put("from", conv.getLong("assignee_id")).put("to", user).put("automatic", true))),
            List.of("assignee_id")))
        .mapEmpty();
  }
}
