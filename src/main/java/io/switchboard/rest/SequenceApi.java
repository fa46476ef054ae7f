package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.automation.Env;
import io.switchboard.automation.Sequences;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.http.Rest.Reply;
import io.switchboard.http.Rest;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

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

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return Sequences.list(env.db().pool(), a.workspaceId()).map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return Sequences.get(env.db().pool(), a, Rest.pathId(ctx, "id", "sequence"));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String name = in.text("name", 200).trim();
    JsonArray steps = Sequences.steps(in.optArray("steps", 1000));
    Boolean stopOnReply = in.optBool("stop_on_reply");
    Sequences.Definition d = new Sequences.Definition(name, steps, stopOnReply);
    return env.db().tx(conn -> Sequences.create(conn, a, d)).map(Reply::created);
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
    Sequences.Definition d = new Sequences.Definition(name, steps, stopOnReply);
    return env.db().tx(conn -> Sequences.update(conn, a, id, d));
  }

  /** The sequence stays for the history; its active enrolments stop. */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "sequence");
    return env.db().tx(conn -> Sequences.delete(conn, a, id));
  }

  private Future<?> enrollments(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return Conversations.visible(env.db().pool(), a, id).compose(c -> Sequences.enrollments(env.db().pool(), id))
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> enroll(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long sequenceId = Input.of(ctx).id("sequence_id");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> Sequences.enroll(conn, a, conv, sequenceId)))
        .map(Reply::created);
  }

  private Future<?> cancel(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long enrollment = Rest.pathId(ctx, "enrollment", "enrollment");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> Sequences.cancel(conn, a, conv, enrollment)));
  }
}
