package io.switchboard.rest;

import io.switchboard.node.Node;
import io.switchboard.review.Reviews;
import io.switchboard.review.Reviews.State;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * {@code GET/POST /r/<token>}: the public rating page a review request links to. Server-rendered, no script, one
 * stylesheet from the hub (under its CSP), readable on a phone. No sign-in: the link's token is the capability; it
 * answers once and expires. A used, expired or unknown link gets a friendly page, never an error page. A form post
 * from another site is refused (its Origin must be this host's); the token keeps out everyone who was not sent it.
 */
public final class RatingPage {

  private static final Logger log = LoggerFactory.getLogger(RatingPage.class);

  private final Node node;

  private RatingPage(Node node) {
    this.node = node;
  }

  public static void mount(Router root, Node node) {
    RatingPage p = new RatingPage(node);
    root.get("/r/:token").handler(p::show);
    root.post("/r/:token").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(p::answer);
  }

  private void show(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    Reviews.byToken(node.db().pool(), token).onComplete(ar -> {
      if (ar.failed()) {
        unavailable(ctx, ar.cause());
        return;
      }
      Reviews.Request req = ar.result();
      if (req.state() == State.OPEN) page(ctx, 200, "Rate your conversation", form(req.inboxName(), null, null));
      else closed(ctx, req.state());
    });
  }

  private void answer(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    if (!sameOrigin(ctx)) {
      page(ctx, 403, "Rating not accepted", "<h1>Rating not accepted</h1><p>Please open the link from your message again and rate there.</p>");
      return;
    }
    String rawRating = ctx.request().getFormAttribute("rating");
    String comment = ctx.request().getFormAttribute("comment");
    Integer rating = null;
    try {
      rating = rawRating == null ? null : Integer.valueOf(rawRating.trim());
    } catch (NumberFormatException e) {
      // asked again below
    }
    String problem = Reviews.problem(rating, comment);
    if (problem != null) {
      String shownComment = comment == null ? null : comment.substring(0, Math.min(comment.length(), Reviews.MAX_COMMENT));
      Reviews.byToken(node.db().pool(), token).onComplete(ar -> {
        if (ar.failed()) unavailable(ctx, ar.cause());
        else if (ar.result().state() != State.OPEN) closed(ctx, ar.result().state());
        else page(ctx, 400, "Rate your conversation", form(ar.result().inboxName(),
            rawRating == null ? "Please choose a rating from 1 to 5." : "Please choose a rating from 1 to 5, and keep the comment under "
                + Reviews.MAX_COMMENT + " characters.", shownComment));
      });
      return;
    }
    int value = rating;
    node.db().tx(tx -> Reviews.answerByToken(tx, token, value, comment)).onComplete(ar -> {
      if (ar.failed()) {
        unavailable(ctx, ar.cause());
        return;
      }
      Reviews.Request req = ar.result();
      if (req.state() == State.OPEN) {
        page(ctx, 200, "Thank you", "<h1>Thank you!</h1><p>We got your rating of " + value + " out of 5"
            + (req.inboxName() == null ? "" : " for " + esc(req.inboxName())) + ".</p><p class=\"stars big\" aria-hidden=\"true\">"
            + "★".repeat(value) + "<span class=\"off\">" + "★".repeat(5 - value) + "</span></p>");
      } else {
        closed(ctx, req.state());
      }
    });
  }

  /** A browser's form post carries its Origin: it must be this host (a post without one is a plain client). */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || origin.equals("null")) return origin == null;
    String host = ctx.request().getHeader("Host");
    try {
      URI u = URI.create(origin);
      String o = u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
      return host != null && (host.equalsIgnoreCase(o) || host.equalsIgnoreCase(u.getHost()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void closed(RoutingContext ctx, State state) {
    switch (state) {
      case ANSWERED -> page(ctx, 200, "Thanks", "<h1>Thanks, we already have your rating</h1><p>Each link takes one rating, and "
          + "yours is in. If there is anything more, just reply to our message.</p>");
      case EXPIRED -> page(ctx, 410, "Link expired", "<h1>This link has expired</h1><p>Rating links work for "
          + Reviews.LIFETIME.toDays() + " days. If there is anything you would like to tell us, just reply to our message.</p>");
      default -> page(ctx, 404, "Link not found", "<h1>We could not find this link</h1><p>Please check that the whole "
          + "address from your message was opened. If there is anything you would like to tell us, just reply to our message.</p>");
    }
  }

  private static void unavailable(RoutingContext ctx, Throwable t) {
    log.warn("rating page: {}", t.toString());
    page(ctx, 503, "Try again shortly", "<h1>Please try again in a moment</h1><p>We could not take your rating just now.</p>");
  }

  private static String form(String inboxName, String error, String comment) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>How did we do?</h1>");
    if (inboxName != null) b.append("<p class=\"who\">").append(esc(inboxName)).append("</p>");
    if (error != null) b.append("<p class=\"error\" role=\"alert\">").append(esc(error)).append("</p>");
    b.append("<form method=\"post\"><fieldset class=\"rating\"><legend>Your rating</legend>");
    // highest first in the markup, so that the stars fill from the left with CSS sibling selectors
    for (int i = 5; i >= 1; i--) {
      b.append("<input type=\"radio\" name=\"rating\" id=\"r").append(i).append("\" value=\"").append(i).append("\" required>")
          .append("<label for=\"r").append(i).append("\" title=\"").append(i).append(" out of 5\">★<span>").append(i)
          .append(" out of 5</span></label>");
    }
    b.append("</fieldset><label class=\"comment\" for=\"comment\">Anything you would like to add? (optional)</label>")
        .append("<textarea id=\"comment\" name=\"comment\" rows=\"4\" maxlength=\"").append(Reviews.MAX_COMMENT).append("\">")
        .append(comment == null ? "" : esc(comment)).append("</textarea>")
        .append("<button type=\"submit\">Send rating</button></form>");
    return b.toString();
  }

  private static void page(RoutingContext ctx, int status, String title, String body) {
    HttpServerResponse res = ctx.response();
    if (res.ended()) return;
    res.setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        // the token is in the address: it is never sent on to another page
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Robots-Tag", "noindex")
        .end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<meta name=\"robots\" content=\"noindex\"><title>" + esc(title) + "</title>"
            + "<link rel=\"stylesheet\" href=\"/rate.css\"></head><body><main>" + body + "</main></body></html>");
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
