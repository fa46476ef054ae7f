package io.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out ceiling: a bare Vert.x WebSocket broadcast with no database, no event log and no access checks, on
 * one event loop. {@code POST /publish} sends its body to every connected socket. Run as its own process.
 */
public final class BareBroadcast {

  private BareBroadcast() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    List<ServerWebSocket> sockets = new ArrayList<>();
    vertx.createHttpServer(new HttpServerOptions().setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false))
        .webSocketHandler(ws -> {
          sockets.add(ws);
          ws.closeHandler(v -> sockets.remove(ws));
        })
        .requestHandler(req -> req.body().onSuccess(body -> {
          String frame = body.toString();
          for (ServerWebSocket ws : sockets) ws.writeTextMessage(frame);
          req.response().end();
        }))
        .listen(port, "127.0.0.1")
        .onSuccess(s -> System.out.println("bare broadcast listening " + s.actualPort()));
  }
}
