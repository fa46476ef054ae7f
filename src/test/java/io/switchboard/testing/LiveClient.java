package io.switchboard.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) on the hub's live protocol. Frames queue up as JSON; a client built with
 * {@code reading=false} stops reading from the network, as a frozen browser tab would.
 */
public final class LiveClient implements AutoCloseable {

  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile String closeReason;
  private volatile boolean reading;
  private WebSocket ws;

  private LiveClient(boolean reading) {
    this.reading = reading;
  }

  /** Connects; fails with {@link Refused} carrying the HTTP status when the upgrade is refused. */
  public static LiveClient connect(String url, Map<String, String> headers, boolean reading) {
    LiveClient c = new LiveClient(reading);
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    try {
      c.ws = b.buildAsync(URI.create(url), c.new Listener()).get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) throw new Refused(h.getResponse().statusCode());
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return c;
  }

  /** An agent's socket with their session cookie (and the hub's own origin, as a browser would send). */
  public static LiveClient agent(TestHub hub, ApiClient client) {
    return connect(hub.wsUrl("/live"), Map.of("Cookie", client.cookieHeader(), "Origin", hub.base()), true);
  }

  public static final class Refused extends RuntimeException {
    public final int status;

    Refused(int status) {
      super("upgrade refused with HTTP " + status);
      this.status = status;
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket w) {
      w.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(new JsonObject(partial.toString()));
        partial.setLength(0);
      }
      if (reading) w.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
      if (reading) w.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
      closeReason = reason;
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      closed.complete(-1);
    }
  }

  /** Resumes reading after {@code reading=false}. */
  public void startReading() {
    reading = true;
    ws.request(Long.MAX_VALUE);
  }

  public void send(JsonObject frame) {
    ws.sendText(frame.encode(), true).join();
  }

  public void sendText(String text) {
    ws.sendText(text, true).join();
  }

  public void sendBinary(byte[] data) {
    ws.sendBinary(ByteBuffer.wrap(data), true).join();
  }

  /** The next frame matching, skipping others; fails after the timeout. */
  public JsonObject await(Predicate<JsonObject> match, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      JsonObject f;
      try {
        f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (f == null) throw new AssertionError("no matching frame within " + timeout);
      if (match.test(f)) return f;
    }
  }

  public JsonObject awaitType(String type) {
    return await(f -> type.equals(f.getString("type")), Duration.ofSeconds(10));
  }

  /** Every frame matching that arrives within the window. */
  public List<JsonObject> collect(Predicate<JsonObject> match, Duration window) {
    List<JsonObject> out = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) return out;
      try {
        JsonObject f = frames.poll(left, TimeUnit.NANOSECONDS);
        if (f != null && match.test(f)) out.add(f);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The close code the server sent, waiting up to the timeout; null if still open. */
  public Integer closeCode(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  public String closeReason() {
    return closeReason;
  }

  public boolean isOpen() {
    return !closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      try {
        ws.sendClose(1000, "bye").get(2, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        ws.abort();
      }
    }
  }

  public void abort() {
    ws.abort();
  }
}
