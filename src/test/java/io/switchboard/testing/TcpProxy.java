package io.switchboard.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 in front of a server, for tests of what clients do when the network fails: {@link #cut()}
 * drops every open connection (as a dead Wi-Fi or a restarted load balancer would) and refuses new ones until
 * {@link #restore()}. Byte-for-byte, so HTTP and WebSocket pass through unchanged.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;

  public TcpProxy(String host, int port) {
    client = vertx.createNetClient();
    try {
      server = vertx.createNetServer().connectHandler(in -> {
        if (refusing) {
          in.close();
          return;
        }
        in.pause();
        client.connect(port, host).onComplete(ar -> {
          if (ar.failed() || refusing) {
            in.close();
            if (ar.succeeded()) ar.result().close();
            return;
          }
          NetSocket out = ar.result();
          open.add(in);
          open.add(out);
          in.closeHandler(v -> { open.remove(in); out.close(); });
          out.closeHandler(v -> { open.remove(out); in.close(); });
          in.handler(out::write);
          out.handler(in::write);
          in.resume();
        });
      }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("proxy did not start", e);
    }
  }

  /** The proxy's own base URL, e.g. http://127.0.0.1:41234. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Drops every open connection and refuses new ones. */
  public void cut() {
    refusing = true;
    for (NetSocket s : open) s.close();
    open.clear();
  }

  /** Lets connections through again. */
  public void restore() {
    refusing = false;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
