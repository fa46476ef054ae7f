package io.switchboard.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member's live socket held open through a sustained run: for each {@code message.created} frame of the watched
 * messages, its arrival time minus the activity's {@code created_at} from the frame's data. The activity is created
 * inside the writing transaction, before the commit and so before the acknowledgement: the figure is an upper bound
 * on the time from acknowledgement to frame, on one clock (hub, database and harness share the machine). A socket
 * the hub closes (too far behind: "resync") is reopened and resumed from the last seq seen, as the agent app does;
 * frames that come late that way count with their lateness.
 */
final class LiveLag implements AutoCloseable {

  private final Harness h;
  private final String token;
  private final List<String> prefixes;
  private final Map<String, Latency> lag = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();
  private final AtomicLong lastSeq = new AtomicLong();
  private final AtomicInteger reopened = new AtomicInteger();
  private final AtomicInteger resyncs = new AtomicInteger();
  private volatile WebSocket socket;
  private volatile boolean closing;

  private LiveLag(Harness h, String token, List<String> prefixes) {
    this.h = h;
    this.token = token;
    this.prefixes = prefixes;
    for (String p : prefixes) {
      lag.put(p, new Latency());
      seen.put(p, ConcurrentHashMap.newKeySet());
    }
  }

  static LiveLag open(Harness h, String token, List<String> prefixes) throws Exception {
    LiveLag l = new LiveLag(h, token, prefixes);
    Harness.await(l.connect(false), 30);
    return l;
  }

  private io.vertx.core.Future<Void> connect(boolean resume) {
    io.vertx.core.Promise<Void> hello = io.vertx.core.Promise.promise();
    return h.live(token).compose(ws -> {
      socket = ws;
      ws.textMessageHandler(text -> {
        if (text.startsWith("{\"type\":\"hello\"")) {
          if (resume) ws.writeTextMessage(new JsonObject().put("op", "resume").put("after", lastSeq.get()).encode());
          hello.tryComplete();
          return;
        }
        onFrame(text);
      });
      ws.closeHandler(v -> {
        if (closing) return;
        reopened.incrementAndGet();
        h.vertx.setTimer(100, t -> connect(true));
      });
      return hello.future();
    });
  }

  private void onFrame(String text) {
    long now = micros(Instant.now());
    if (text.contains("\"type\":\"resync\"")) resyncs.incrementAndGet();
    if (!text.contains("message.created")) return;
    Frame f = Frame.read(text);
    if (f == null) return;
    if (f.seq > 0) lastSeq.accumulateAndGet(f.seq, Math::max);
    if (f.providerId == null || f.createdAt == null) return;
    for (String p : prefixes) {
      if (!f.providerId.startsWith(p)) continue;
      if (seen.get(p).add(f.providerId)) lag.get(p).record((now - micros(Instant.parse(f.createdAt))) * 1000);
      return;
    }
  }

  /**
   * What a frame says about its message: seq, and the activity's provider id and created_at, read by streaming
   * past everything else (at thousands of frames a second, building each frame's whole tree would cost this
   * process a good part of a core, on the cores being measured).
   */
  private record Frame(long seq, String providerId, String createdAt) {
    private static final JsonFactory JSON = new JsonFactory();

    static Frame read(String text) {
      long seq = -1;
      String id = null;
      String created = null;
      try (JsonParser p = JSON.createParser(text)) {
        if (p.nextToken() != JsonToken.START_OBJECT) return null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if (name.equals("seq") && t == JsonToken.VALUE_NUMBER_INT) {
            seq = p.getLongValue();
          } else if (name.equals("data") && t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String key = p.currentName();
              if (p.nextToken() == JsonToken.START_OBJECT && key.equals("activity")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String field = p.currentName();
                  p.nextToken();
                  if (field.equals("provider_id")) id = p.getValueAsString();
                  else if (field.equals("created_at")) created = p.getValueAsString();
                  else p.skipChildren();
                }
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
      } catch (java.io.IOException e) {
        return null;
      }
      return new Frame(seq, id, created);
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  int frames(String prefix) {
    return seen.get(prefix).size();
  }

  /** Waits up to {@code ms} for {@code expected} frames of the prefix. */
  void await(String prefix, long expected, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (frames(prefix) < expected && System.currentTimeMillis() < end) Thread.sleep(20);
  }

  JsonObject json(String prefix, long stored) {
    return new JsonObject().put("frames", frames(prefix)).put("messages_stored", stored)
        .put("lag_created_to_frame", lag.get(prefix).json()).put("socket_reopened", reopened.get()).put("resync_frames", resyncs.get());
  }

  @Override
  public void close() {
    closing = true;
    WebSocket ws = socket;
    if (ws != null) ws.close();
  }
}
