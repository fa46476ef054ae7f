package io.switchboard.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * The routers of one HTTP verticle instance, for every part to mount its routes on: {@code root} (pages, sockets,
 * the widget), {@code api} (under {@code /api/v1}, signed in), {@code hooks} (under {@code /hooks}, providers).
 */
public record Routes(Vertx vertx, Router root, Router api, Router hooks, List<Runnable> drains) {

  /** Runs when the instance stops, before its server closes: live sockets are told to reconnect elsewhere. */
  public void onDrain(Runnable drain) {
    drains.add(drain);
  }
}
