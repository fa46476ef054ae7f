package io.switchboard.ops;

import io.switchboard.Hub;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * What operators and load balancers look at: {@code /health} (the process answers), {@code /ready} (the database
 * answers and the node is not shutting down: route traffic here) and {@code /metrics} (Prometheus).
 */
public final class Ops {

  private Ops() {
  }

  public static void mount(Router router, Hub hub) {
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "up").encode()));
    router.get("/ready").handler(ctx -> {
      if (!hub.ready) {
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "draining").encode());
        return;
      }
      hub.db.one("SELECT 1").timeout(2, java.util.concurrent.TimeUnit.SECONDS).onComplete(ar -> {
        boolean ok = ar.succeeded();
        ctx.response().setStatusCode(ok ? 200 : 503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", ok ? "ready" : "database unavailable").encode());
      });
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(hub.metrics));
  }
}
