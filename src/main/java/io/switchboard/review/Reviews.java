package io.switchboard.review;

import io.switchboard.auth.Secrets;
import io.switchboard.common.Times;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.ReviewSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Customer reviews: a request when a conversation is resolved, answered once with a rating of 1 to 5 and a comment.
 * On the widget the request is an agent-side message that the widget shows with an inline rating prompt; elsewhere
 * it is a message with a link to the public rating page ({@code /r/<token>}), whose token is kept only as its SHA-256.
 * A rating becomes a system entry in the conversation (by the contact, data {@code change: "review"}), a
 * {@code review.created} event for the inbox's members, and, when low, may reopen the conversation.
 */
public final class Reviews {

  /** How long a request can be answered. */
  public static final Duration LIFETIME = Duration.ofDays(7);
  public static final int MAX_COMMENT = 2000;

  private Reviews() {
  }

  // ---- asking ----

  /**
   * Asks the contact of a just-resolved conversation for a rating, if the inbox asks on this channel, the conversation
   * is still resolved, and no request of it is waiting for an answer. {@code conv} is its locked {@code c.*} row.
   * Returns whether a request was queued.
   */
  public static Future<Boolean> ask(Tx tx, Timeline timeline, Row conv, JsonObject inboxSettings, String inboxName, String publicUrl) {
    JsonObject settings = inboxSettings == null ? null : inboxSettings.getJsonObject("reviews");
    String channel = conv.getString("channel");
    if (!ReviewSettings.asks(settings, channel) || !"resolved".equals(conv.getString("status"))) return Future.succeededFuture(false);
    long conversationId = conv.getLong("id");
    return Db.one(tx, "SELECT 1 FROM review WHERE conversation_id = $1 AND answered_at IS NULL AND expires_at > now()", conversationId)
        .compose(waiting -> {
          if (waiting != null) return Future.succeededFuture(false);
          boolean widget = channel.equals("widget");
          String token = widget ? null : Secrets.token(24);
          return Db.one(tx, """
              INSERT INTO review (workspace_id, inbox_id, conversation_id, contact_id, agent_id, channel, token_hash, expires_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8)) RETURNING id""",
              conv.getLong("workspace_id"), conv.getLong("inbox_id"), conversationId, conv.getLong("contact_id"),
              conv.getLong("assignee_id"), channel, token == null ? null : io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(token)),
              (double) LIFETIME.toSeconds())
              .compose(r -> {
                long reviewId = r.getLong(0);
                String message = settings.getString("message", ReviewSettings.DEFAULT_MESSAGE);
                String text = widget ? message : message + "\n" + stripSlash(publicUrl) + "/r/" + token;
                return Endpoints.byId(tx, conv.getLong("endpoint_id"))
                    .compose(ep -> timeline.queue(tx, conv, ep, new Timeline.Author("system", null, inboxName),
                        new Timeline.Message(null, text, null, new JsonObject().put("review_id", reviewId))))
                    .map(true)
                    .recover(t -> t instanceof Timeline.Refused refused
                        ? Db.query(tx, "DELETE FROM review WHERE id = $1", reviewId)
                            .compose(v -> Timeline.note(tx, conv, Timeline.Author.SYSTEM,
                                "The rating request could not be sent: " + refused.getMessage(),
                                new JsonObject().put("change", "review_request_failed")))
                            .map(false)
                        : Future.failedFuture(t));
              });
        });
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  // ---- the public page ----

  /** What a rating link leads to. */
  public enum State { OPEN, ANSWERED, EXPIRED, UNKNOWN }

  /** A request as its page shows it: its state and the inbox's name. */
  public record Request(State state, String inboxName, Long reviewId) {
  }

  private static final String BY_TOKEN = """
      SELECT r.id, r.answered_at IS NOT NULL AS answered, r.expires_at <= now() AS expired, i.name AS inbox_name
      FROM review r JOIN inbox i ON i.id = r.inbox_id WHERE r.token_hash = $1""";

  /** The request a link's token names. */
  public static Future<Request> byToken(SqlClient c, String token) {
    if (token == null || token.length() > 100) return Future.succeededFuture(new Request(State.UNKNOWN, null, null));
    return Db.one(c, BY_TOKEN, io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(token))).map(Reviews::request);
  }

  private static Request request(Row r) {
    if (r == null) return new Request(State.UNKNOWN, null, null);
    State s = r.getBoolean("answered") ? State.ANSWERED : r.getBoolean("expired") ? State.EXPIRED : State.OPEN;
    return new Request(s, r.getString("inbox_name"), r.getLong("id"));
  }

  /** Answers the request of a link's token (once): the state it was in; OPEN means this answer was taken. */
  public static Future<Request> answerByToken(Tx tx, String token, int rating, String comment) {
    if (token == null || token.length() > 100) return Future.succeededFuture(new Request(State.UNKNOWN, null, null));
    return Db.one(tx, BY_TOKEN + " FOR UPDATE OF r", io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(token)))
        .map(Reviews::request)
        .compose(req -> req.state() != State.OPEN ? Future.succeededFuture(req)
            : rate(tx, req.reviewId(), rating, comment).map(req));
  }

  // ---- the widget ----

  /** The request of a widget conversation waiting for an answer, as the widget shows it ({@code id}, {@code message}); or null. */
  public static Future<JsonObject> pendingForWidget(SqlClient c, long conversationId) {
    return Db.one(c, """
        SELECT r.id, a.text FROM review r LEFT JOIN activity a ON a.conversation_id = r.conversation_id AND a.kind = 'message'
          AND a.direction = 'out' AND (a.data->>'review_id')::bigint = r.id
        WHERE r.conversation_id = $1 AND r.channel = 'widget' AND r.answered_at IS NULL AND r.expires_at > now()
        ORDER BY r.id DESC LIMIT 1""", conversationId)
        .map(r -> r == null ? null : new JsonObject().put("id", r.getLong("id")).put("message", r.getString("text")));
  }

  /** A visitor's answer to a widget request of their own conversation (another's is UNKNOWN). */
  public static Future<Request> answerFromWidget(Tx tx, long reviewId, long conversationId, long contactId, int rating, String comment) {
    return Db.one(tx, """
        SELECT r.id, r.answered_at IS NOT NULL AS answered, r.expires_at <= now() AS expired, i.name AS inbox_name
        FROM review r JOIN inbox i ON i.id = r.inbox_id
        WHERE r.id = $1 AND r.conversation_id = $2 AND r.contact_id = $3 AND r.channel = 'widget' FOR UPDATE OF r""",
        reviewId, conversationId, contactId)
        .map(Reviews::request)
        .compose(req -> req.state() != State.OPEN ? Future.succeededFuture(req)
            : rate(tx, req.reviewId(), rating, comment).map(req));
  }

  // ---- rating ----

  /** Checks a rating and comment as a client sent them: the error message, or null when they are fine. */
  public static String problem(Object rating, Object comment) {
    if (!(rating instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1 || n.intValue() > 5) {
      return "rating must be a whole number from 1 to 5";
    }
    if (comment != null && (!(comment instanceof String s) || s.length() > MAX_COMMENT)) {
      return "comment must be text of at most " + MAX_COMMENT + " characters";
    }
    return null;
  }

  /** Records the answer of an open, locked request: entry, event, and the inbox's low-rating action. */
  private static Future<Void> rate(Tx tx, long reviewId, int rating, String comment) {
    String c = comment == null || comment.isBlank() ? null : comment.strip();
    return Db.one(tx, "UPDATE review SET rating = $2, comment = $3, answered_at = now() WHERE id = $1 RETURNING *", reviewId, rating, c)
        .compose(review -> Db.one(tx, """
            SELECT c.*, i.settings AS inbox_settings, ct.name AS contact_name FROM conversation c
            JOIN inbox i ON i.id = c.inbox_id JOIN contact ct ON ct.id = c.contact_id
            WHERE c.id = $1 FOR UPDATE OF c""", review.getLong("conversation_id"))
            .compose(conv -> {
              String who = conv.getString("contact_name") == null ? "The customer" : conv.getString("contact_name");
              JsonObject data = new JsonObject().put("change", "review").put("review_id", reviewId).put("rating", rating).put("comment", c);
              String text = who + " rated the conversation " + rating + "/5" + (c == null ? "" : ": " + c);
              return Timeline.add(tx, conv, null, Activities.Draft.system("contact", conv.getLong("contact_id"), who, text, data))
                  .compose(activityId -> Db.query(tx, "UPDATE review SET activity_id = $2 WHERE id = $1", reviewId, activityId)
                      .compose(v -> view(tx, reviewId))
                      .compose(json -> EventLog.append(tx, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"),
                          EventType.REVIEW_CREATED, new JsonObject().put("review", json))))
                  .compose(v -> lowRating(tx, conv, review, rating));
            }));
  }

  /** A rating at or below the threshold reopens the conversation (reopen), or reopens it with the rated agent (assign). */
  private static Future<Void> lowRating(Tx tx, Row conv, Row review, int rating) {
    JsonObject settings = conv.getJsonObject("inbox_settings");
    JsonObject reviews = settings == null ? null : settings.getJsonObject("reviews");
    if (reviews == null) return Future.succeededFuture();
    String action = reviews.getString("low_rating_action", "none");
    int threshold = reviews.getInteger("low_rating_threshold", ReviewSettings.DEFAULT_THRESHOLD);
    if (action.equals("none") || rating > threshold) return Future.succeededFuture();
    boolean assign = action.equals("assign");
    // back to the agent the rating is about, if they still belong to the inbox; else to the team's queue
    Future<Long> assignee = !assign ? Future.succeededFuture(conv.getLong("assignee_id"))
        : review.getLong("agent_id") == null ? Future.succeededFuture((Long) null)
        : Db.one(tx, """
            SELECT u.id FROM app_user u JOIN membership m ON m.user_id = u.id AND m.inbox_id = $2 WHERE u.id = $1 AND u.active""",
            review.getLong("agent_id"), conv.getLong("inbox_id")).map(r -> r == null ? null : r.getLong(0));
    return assignee.compose(to -> {
      boolean reopen = !"open".equals(conv.getString("status"));
      boolean reassign = assign && !java.util.Objects.equals(to, conv.getLong("assignee_id"));
      if (!reopen && !reassign) return Future.succeededFuture();
      return Db.query(tx, """
          UPDATE conversation SET status = 'open', snoozed_until = NULL, assignee_id = $2, updated_at = now() WHERE id = $1""",
          conv.getLong("id"), to)
          .compose(v -> {
            List<Activities.Draft> entries = new ArrayList<>();
            List<String> changes = new ArrayList<>();
            String why = "a low rating (" + rating + "/5)";
            if (reopen) {
              changes.add("status");
              entries.add(Activities.Draft.system("system", null, "Switchboard", "Reopened after " + why,
                  new JsonObject().put("change", "status").put("from", conv.getString("status")).put("to", "open").put("reason", "low_rating")));
            }
            if (reassign) {
              changes.add("assignee_id");
              entries.add(Activities.Draft.system("system", null, "Switchboard",
                  (to == null ? "Unassigned after " : "Assigned back to the rated agent after ") + why,
                  new JsonObject().put("change", "assignee").put("from", conv.getLong("assignee_id")).put("to", to).put("reason", "low_rating")));
            }
            return Timeline.changed(tx, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"), entries, changes, null);
          }).mapEmpty();
    });
  }

  // ---- listing ----

  private static final String ITEM = """
      SELECT r.*, ct.name AS contact_name, u.name AS agent_name FROM review r
      JOIN contact ct ON ct.id = r.contact_id LEFT JOIN app_user u ON u.id = r.agent_id""";

  /** A rating as the API shows it. */
  public static Future<JsonObject> view(SqlClient c, long reviewId) {
    return Db.one(c, ITEM + " WHERE r.id = $1", reviewId).map(Reviews::json);
  }

  static JsonObject json(Row r) {
    Long agent = r.getLong("agent_id");
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("contact", new JsonObject().put("id", r.getLong("contact_id")).put("name", r.getString("contact_name")))
        .put("agent", agent == null ? null : new JsonObject().put("id", agent).put("name", r.getString("agent_name")))
        .put("channel", r.getString("channel"))
        .put("rating", r.getValue("rating") == null ? null : r.getInteger("rating"))
        .put("comment", r.getString("comment"))
        .put("asked_at", Times.iso(r, "asked_at"))
        .put("answered_at", Times.iso(r, "answered_at"))
        .put("activity_id", r.getLong("activity_id"));
  }

  /** Ratings given in [from, to) in inboxes the user is a member of, newest first, after the cursor's (answered_at, id). */
  public record Query(long userId, long workspaceId, Long inboxId, Integer rating, OffsetDateTime from, OffsetDateTime to,
                      OffsetDateTime afterAt, long afterId, int limit) {
  }

  /** The rows, with {@code answered_at} and {@code id} for the cursor. */
  public static Future<List<JsonObject>> list(SqlClient c, Query q) {
    return Db.list(c, ITEM + """
         JOIN membership m ON m.inbox_id = r.inbox_id AND m.user_id = $1
        WHERE r.workspace_id = $2 AND r.answered_at IS NOT NULL AND ($3::bigint IS NULL OR r.inbox_id = $3)
          AND ($4::int IS NULL OR r.rating = $4) AND r.answered_at >= $5 AND r.answered_at < $6
          AND ($7::timestamptz IS NULL OR (r.answered_at, r.id) < ($7, $8))
        ORDER BY r.answered_at DESC, r.id DESC LIMIT $9""",
        q.userId(), q.workspaceId(), q.inboxId(), q.rating(), q.from(), q.to(), q.afterAt(), q.afterId(), q.limit())
        .map(rows -> rows.stream().map(Reviews::json).toList());
  }
}
