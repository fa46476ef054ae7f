package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.automation.Env;
import io.switchboard.automation.Sequences;
import io.switchboard.conversation.Timeline;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.http.Rest.Reply;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/**
 * {@code /sequences} (everyone reads them to enrol; {@code settings.manage} defines them, audited) and a
 * conversation's enrolments: {@code POST /conversations/{id}/sequences {"sequence_id"}} enrols it (one active
 * enrolment per sequence and conversation), {@code DELETE …/sequences/{enrollment_id}} cancels, {@code GET} lists.
 */
public final class SequenceApi {

  private final Env env;

  private SequenceApi(Env env) {
    this.env = env;
  }

  public static void mount(Router api, Env env) {
    SequenceApi s = new SequenceApi(env);
    api.get("/sequences").handler(Rest.handle(s::list));
    api.post("/sequences").handler(Rest.handle(s::create));
    api.get("/sequences/:id").handler(Rest.handle(s::get));
    api.patch("/sequences/:id").handler(Rest.handle(s::update));
    api.delete("/sequences/:id").handler(Rest.handle(s::delete));
    api.get("/conversations/:id/sequences").handler(Rest.handle(s::enrollments));
    api.post("/conversations/:id/sequences").handler(Rest.handle(s::enroll));
    api.delete("/conversations/:id/sequences/:enrollment").handler(Rest.handle(s::cancel));
  }

  private static final String SELECT = """
      SELECT s.*, (SELECT count(*) FROM sequence_enrollment e WHERE e.sequence_id = s.id AND e.status = 'active')
        AS active_enrollments
      FROM sequence s""";

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return env.db().list(SELECT + " WHERE s.workspace_id = $1 AND s.deleted_at IS NULL ORDER BY lower(s.name), s.id", a.workspaceId())
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(Sequences.json(r)));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
  }

  private Future<Row> find(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, SELECT + " WHERE s.id = $1 AND s.workspace_id = $2 AND s.deleted_at IS NULL" + lock, id, a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("sequence");
          return r;
        });
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return find(env.db().pool(), a, Rest.pathId(ctx, "id", "sequence"), "").map(Sequences::json);
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String name = in.text("name", 200).trim();
    JsonArray steps = Sequences.steps(in.optArray("steps", 1000));
    Boolean stopOnReply = in.optBool("stop_on_reply");
    return env.db().tx(conn -> Db.one(conn, """
            INSERT INTO sequence (workspace_id, name, steps, stop_on_reply) VALUES ($1, $2, $3, $4) RETURNING id""",
            a.workspaceId(), name, steps, stopOnReply == null || stopOnReply)
        .compose(r -> find(conn, a, r.getLong("id"), ""))
        .compose(r -> Audit.record(conn, a, "sequence.created", "sequence", r.getLong("id"), Sequences.json(r)).map(Sequences.json(r))))
        .map(Reply::created);
  }

  /** Changes apply to active enrolments from their next step on. */
  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "sequence");
    Input in = Input.of(ctx);
    String name = in.has("name") ? in.text("name", 200).trim() : null;
    JsonArray steps = in.has("steps") ? Sequences.steps(in.optArray("steps", 1000)) : null;
    Boolean stopOnReply = in.optBool("stop_on_reply");
    return env.db().tx(conn -> find(conn, a, id, " FOR UPDATE OF s").compose(before -> Db.query(conn, """
            UPDATE sequence SET name = COALESCE($2, name), steps = COALESCE($3, steps),
              stop_on_reply = COALESCE($4, stop_on_reply), updated_at = now() WHERE id = $1""", id, name, steps, stopOnReply)
        .compose(v -> find(conn, a, id, ""))
        .compose(r -> Audit.record(conn, a, "sequence.updated", "sequence", id,
            new JsonObject().put("before", Sequences.json(before)).put("after", Sequences.json(r))).map(Sequences.json(r)))));
  }

  /** The sequence stays for the history; its active enrolments stop. */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "sequence");
    return env.db().tx(conn -> find(conn, a, id, " FOR UPDATE OF s")
        .compose(r -> Db.query(conn, "UPDATE sequence SET deleted_at = now(), updated_at = now() WHERE id = $1", id)
            .compose(v -> Audit.record(conn, a, "sequence.deleted", "sequence", id, new JsonObject().put("name", r.getString("name")))))
        .compose(v -> Db.list(conn, "SELECT DISTINCT conversation_id FROM sequence_enrollment WHERE sequence_id = $1 AND status = 'active'", id))
        .compose(convs -> {
          Future<Void> f = Future.succeededFuture();
          for (Row c : convs) {
            f = f.compose(v -> Db.one(conn, "SELECT c.* FROM conversation c WHERE c.id = $1 FOR UPDATE", c.getLong(0))
                .compose(conv -> Sequences.stopAll(conn, conv, "e.sequence_id = $2", "sequence_deleted", id)).mapEmpty());
          }
          return f;
        }));
  }

  private Future<?> enrollments(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return Conversations.visible(env.db().pool(), a, id)
        .compose(c -> env.db().list(Sequences.ENROLLMENTS + " WHERE e.conversation_id = $1 ORDER BY e.id DESC LIMIT 200", id))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(Sequences.enrollmentJson(r)));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
  }

  private Future<?> enroll(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long sequenceId = Input.of(ctx).id("sequence_id");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> Db.one(conn,
            "SELECT * FROM sequence WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL", sequenceId, a.workspaceId())
        .compose(seq -> {
          if (seq == null) return Future.failedFuture(ApiError.validation("sequence_id", "no such sequence"));
          if ("resolved".equals(conv.getString("status"))) {
            return Future.failedFuture(ApiError.conflict("sequence_id", "the conversation is resolved; reopen it to enrol it"));
          }
          JsonArray steps = seq.getJsonArray("steps");
          String channel = conv.getString("channel");
          if (steps.stream().noneMatch(s -> Sequences.allows((JsonObject) s, channel))) {
            return Future.failedFuture(ApiError.validation("sequence_id", "no step of this sequence may be sent on " + channel));
          }
          long delay = steps.getJsonObject(0).getLong("delay_seconds");
          return Rest.orConflict(Db.one(conn, """
                  INSERT INTO sequence_enrollment (workspace_id, sequence_id, conversation_id, next_step, next_at, created_by,
                    since_activity_id)
                  VALUES ($1, $2, $3, 0, now() + make_interval(secs => $4), $5,
                          (SELECT COALESCE(max(id), 0) FROM activity WHERE conversation_id = $3))
                  RETURNING id""", a.workspaceId(), sequenceId, id, (double) delay, a.userId()),
                  "sequence_id", "the conversation is already in this sequence")
              .compose(r -> Timeline.note(conn, conv, new Timeline.Author("user", a.userId(), a.name()),
                      a.name() + " started the sequence \"" + seq.getString("name") + "\"",
                      new JsonObject().put("change", "sequence_started").put("sequence_id", sequenceId).put("enrollment_id", r.getLong("id")))
                  .compose(v -> Sequences.announce(conn, conv, r.getLong("id"), EventType.ENROLLMENT_CREATED)));
        })))
        .map(Reply::created);
  }

  private Future<?> cancel(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long enrollment = Rest.pathId(ctx, "enrollment", "enrollment");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> Db.one(conn,
            Sequences.ENROLLMENTS + " WHERE e.id = $1 AND e.conversation_id = $2 FOR UPDATE OF e", enrollment, id)
        .compose(e -> {
          if (e == null) return Future.failedFuture(ApiError.notFound("enrollment"));
          if (!"active".equals(e.getString("status"))) {
            return Future.failedFuture(ApiError.conflict("status", "the sequence already " + e.getString("status")));
          }
          return Sequences.end(conn, conv, e, "canceled", "canceled", new Timeline.Author("user", a.userId(), a.name()),
              a.name() + " canceled the sequence \"" + e.getString("sequence_name") + "\"");
        })));
  }
}
