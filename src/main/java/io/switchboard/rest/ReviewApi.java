package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.http.Page;
import io.switchboard.http.Rest;
import io.switchboard.inbox.Access;
import io.switchboard.node.Node;
import io.switchboard.review.Reviews;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /api/v1/reviews}: customers' ratings in the inboxes the user is a member of, newest first, for
 * {@code reviews.manage}. Filters: {@code inbox_id}, {@code rating} (1-5), {@code from}/{@code to} (ISO times or
 * dates; at most a year apart; default the last 30 days). Replying to a review is replying in its conversation.
 */
public final class ReviewApi {

  private static final Duration MAX_PERIOD = Duration.ofDays(366);

  private final Node node;

  private ReviewApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    ReviewApi r = new ReviewApi(node);
    api.get("/reviews").handler(Rest.handle(r::list));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.REVIEWS_MANAGE);
    Page page = Page.of(ctx);
    Long inbox = id(ctx, "inbox_id");
    Integer rating = null;
    String r = ctx.queryParams().get("rating");
    if (r != null) {
      try {
        rating = Integer.parseInt(r.trim());
      } catch (NumberFormatException e) {
        rating = 0;
      }
      if (rating < 1 || rating > 5) throw ApiError.validation("rating", "rating must be a whole number from 1 to 5");
    }
    OffsetDateTime to = time(ctx, "to", true);
    OffsetDateTime from = time(ctx, "from", false);
    if (to == null) to = OffsetDateTime.now(ZoneOffset.UTC);
    if (from == null) from = to.minusDays(30);
    if (!from.isBefore(to)) throw ApiError.validation("from", "from must be before to");
    if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) throw ApiError.validation("from", "the period from from to to is at most a year");
    OffsetDateTime afterAt = null;
    long afterId = 0;
    if (page.after() != null) {
      afterAt = Times.parse("cursor", page.afterString(0));
      afterId = page.afterLong(1);
    }
    Reviews.Query q = new Reviews.Query(a.userId(), a.workspaceId(), inbox, rating, from, to, afterAt, afterId, page.limit() + 1);
    Future<Void> access = inbox == null ? Future.succeededFuture() : Access.requireMember(node.db().pool(), a, inbox);
    return access.compose(v -> Reviews.list(node.db().pool(), q))
        .map(items -> page.result(items, i -> i, i -> Page.cursor(i.getString("answered_at"), i.getLong("id"))));
  }

  private static Long id(RoutingContext ctx, String field) {
    String v = ctx.queryParams().get(field);
    if (v == null) return null;
    try {
      long id = Long.parseLong(v.trim());
      if (id > 0) return id;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.validation(field, field + " must be an id");
  }

  /** An ISO time with an offset, or a date (its start in UTC; {@code to} a date means the end of that day). */
  private static OffsetDateTime time(RoutingContext ctx, String field, boolean endOfDay) {
    String v = ctx.queryParams().get(field);
    if (v == null || v.isBlank()) return null;
    if (v.length() == 10) {
      try {
        LocalDate d = LocalDate.parse(v);
        return (endOfDay ? d.plusDays(1) : d).atStartOfDay().atOffset(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw ApiError.validation(field, field + " must be a date (2026-01-31) or an ISO-8601 time with an offset");
      }
    }
    try {
      return OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiError.validation(field, field + " must be a date (2026-01-31) or an ISO-8601 time with an offset");
    }
  }
}
