package io.switchboard.ops;

import io.switchboard.node.Node;
import io.switchboard.auth.Secrets;
import io.switchboard.http.AddressRanges;
import io.switchboard.http.ClientAddress;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * What operators and load balancers look at: {@code /health} (the process answers), {@code /ready} (the database
 * answers and the node is not shutting down: route traffic here) and {@code /metrics} (Prometheus).
 */
public final class Ops {

  private Ops() {
  }

  public static void mount(Router router, Node node, ClientAddress clients) {
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "up").encode()));
    router.get("/ready").handler(ctx -> {
      if (!node.state().ready()) {
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "draining").encode());
        return;
      }
      node.db().one("SELECT 1").timeout(2, java.util.concurrent.TimeUnit.SECONDS).onComplete(ar -> {
        boolean ok = ar.succeeded();
        ctx.response().setStatusCode(ok ? 200 : 503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", ok ? "ready" : "database unavailable").encode());
      });
    });
    router.get("/metrics").handler(metricsAccess(node, clients)).handler(PrometheusScrapingHandler.create(node.metrics()));
  }

  /**
   * Metrics tell anyone who reads them about the hub's traffic, its users online and its JVM, so they answer only
   * scrapers with {@code metrics.token} or at an address in {@code metrics.allow} (the client's address, through
   * trusted proxies); to everyone else the page does not exist (404, as any unknown page).
   */
  private static Handler<RoutingContext> metricsAccess(Node node, ClientAddress clients) {
    AddressRanges allowed = new AddressRanges("metrics.allow", node.config().metrics().allow());
    String token = node.config().metrics().token();
    return ctx -> {
      HttpServerRequest req = ctx.request();
      String auth = req.getHeader("Authorization");
      boolean byToken = !token.isEmpty() && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
          && Secrets.constantTimeEquals(auth.substring(7).trim(), token);
      if (byToken || allowed.contains(clients.of(req))) ctx.next();
      else Rest.fail(ctx, ApiError.notFound("page"));
    };
  }
}
