package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.automation.Env;
import io.switchboard.automation.ScheduledMessages;
import io.switchboard.conversation.Timeline;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.http.Rest.Reply;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * Scheduled messages: {@code POST /conversations/{id}/messages} with a {@code send_at} stores the reply as pending
 * (201 with it), {@code GET /conversations/{id}/scheduled} lists them, {@code DELETE /scheduled/{id}} cancels one
 * while it is pending (409 once sent). Members of the conversation's inbox see and cancel them; every change is live.
 */
public final class ScheduledApi {

  private static final Set<String> STATUSES = Set.of("pending", "sent", "canceled", "failed");

  private final Env env;
  private final Duration grace;
  private final Duration maxAhead;

  private ScheduledApi(Env env) {
    this.env = env;
    this.grace = Duration.ofSeconds(env.config().automation().scheduledGraceSeconds());
    this.maxAhead = Duration.ofDays(env.config().automation().scheduledMaxDays());
  }

  /** Mount before {@link ActivityApi}: replies without a {@code send_at} fall through to it. */
  public static void mount(Router api, Env env) {
    ScheduledApi s = new ScheduledApi(env);
    api.post("/conversations/:id/messages").handler(ctx -> {
      if (hasSendAt(ctx)) Rest.handle(s::schedule).handle(ctx);
      else ctx.next();
    });
    api.get("/conversations/:id/scheduled").handler(Rest.handle(s::list));
    api.get("/scheduled/:id").handler(Rest.handle(s::get));
    api.delete("/scheduled/:id").handler(Rest.handle(s::cancel));
  }

  private static boolean hasSendAt(RoutingContext ctx) {
    try {
      Input in = Input.of(ctx); // parsed once: the reply handler reads the same
      return in.has("send_at") && !in.isNull("send_at");
    } catch (ApiError e) {
      return false; // not a JSON object: the reply handler says so
    }
  }

  private Future<?> schedule(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    Input in = Input.of(ctx);
    ActivityApi.ReplyInput reply = ActivityApi.ReplyInput.of(in);
    if (reply.template() != null) throw ApiError.validation("template", "template messages are sent at once; they cannot be scheduled");
    String text = reply.text();
    String html = reply.html();
    String subject = reply.subject();
    Long fromId = reply.fromEndpointId();
    List<Long> files = reply.attachments();
    OffsetDateTime sendAt = Times.parse("send_at", in.optText("send_at", 64));
    Instant now = Instant.now();
    if (sendAt.toInstant().isBefore(now.minus(grace))) {
      throw ApiError.validation("send_at", "send_at is in the past; give a time from now on (ISO-8601, e.g. "
          + Times.iso(now.plus(Duration.ofHours(1))) + ")");
    }
    if (sendAt.toInstant().isAfter(now.plus(maxAhead))) {
      throw ApiError.validation("send_at", "send_at is more than " + maxAhead.toDays() + " days ahead");
    }
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(c ->
        Timeline.fromEndpoint(conn, c, fromId).compose(ep -> env.timeline().check(c, ep, Timeline.Author.user(a.userId(), a.name()),
                new Timeline.Message(subject, text, html, null))
            .recover(t -> Future.failedFuture(t instanceof Timeline.Refused r ? r.toApiError() : t))
            .compose(v -> ScheduledMessages.schedule(conn, new ScheduledMessages.Draft(a.workspaceId(), id, a.userId(), ep.id(),
                subject, text, html, files, sendAt))))))
        .map(Reply::created);
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    Page page = Page.of(ctx);
    String status = ctx.queryParams().get("status");
    String[] statuses = status == null || status.isBlank() ? null : status.split(",");
    if (statuses != null) {
      for (String s : statuses) {
        if (!STATUSES.contains(s)) throw ApiError.validation("status", "status must be a list of pending, sent, canceled, failed");
      }
    }
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("0001-01-01T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    ScheduledMessages.Listing listing = new ScheduledMessages.Listing(id, statuses, afterAt, afterId, page.limit() + 1);
    return Conversations.visible(env.db().pool(), a, id).compose(c -> ScheduledMessages.list(env.db().pool(), listing))
        .map(items -> page.result(items, m -> m, m -> Page.cursor(m.getString("send_at"), m.getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "scheduled message");
    return ScheduledMessages.get(env.db().pool(), a, id);
  }

  /** Cancels a pending message (204; again: 204); one already sent or failed is a 409. */
  private Future<?> cancel(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "scheduled message");
    return env.db().tx(conn -> ScheduledMessages.cancel(conn, a, id));
  }
}
