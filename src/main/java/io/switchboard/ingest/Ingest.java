package io.switchboard.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.db.Db;
import io.switchboard.db.TryLater;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one write path for inbound messages, from every channel: the text made storable ({@link Storable}), files
 * written, then the message stored by group commit ({@link Batcher}, {@link Batch}): the inbox by the endpoint it
 * came to, the contact by their identity (created on first contact), the conversation (one ongoing per contact and
 * endpoint on chat-like channels, where a resolved one reopens; e-mail by thread), the activity, stored once per
 * provider id, and the events. Callers acknowledge their sender only when the returned future succeeds, which is
 * after the commit; a redelivery succeeds as a duplicate, having written nothing.
 */
public final class Ingest {

  private final AttachmentStore attachments;
  private final MeterRegistry metrics;
  private final Batcher batcher;
  private final long timeoutMs;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /**
   * {@code batch}: most messages per transaction; {@code writers}: transactions at once; {@code queueLimit} and
   * {@code queueTimeoutMs}: how many may wait, and how long, before they are refused; {@code timeoutMs}: how long a
   * sender waits for its answer at most.
   */
  public Ingest(Vertx vertx, Db db, AttachmentStore attachments, MeterRegistry metrics, int batch, int writers, int queueLimit,
                long queueTimeoutMs, long timeoutMs) {
    this.attachments = attachments;
    this.metrics = metrics;
    this.batcher = new Batcher(vertx, db, metrics, batch, writers, queueLimit, queueTimeoutMs, this::degrade);
    this.timeoutMs = timeoutMs;
  }

  public Future<IngestResult> ingest(InboundMessage raw) {
    long start = System.nanoTime();
    InboundMessage m = Storable.clean(raw);
    return storeFiles(m)
        .compose(files -> batcher.submit(new Batch.Item(m, files)))
        // a database that stopped answering: the sender hears "try again" in time (a redelivery is stored once)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(t -> Future.failedFuture(t instanceof TimeoutException
            ? new TryLater("the message could not be stored in time; try again shortly", 2) : t))
        .onComplete(ar -> timer(m.channel(), ar.failed() ? "failed" : ar.result().duplicate() ? "duplicate" : "stored")
            .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  private Timer timer(String channel, String outcome) {
    return timers.computeIfAbsent(channel + "/" + outcome, k -> metrics.timer("switchboard.ingest", "channel", channel, "outcome", outcome));
  }

  /** The message cut down to what can always be stored, with its whole text and HTML attached as files. */
  private Future<Batch.Item> degrade(Batch.Item i) {
    List<InboundMessage.Attachment> whole = new ArrayList<>();
    String text = i.m.text();
    String html = i.m.html();
    if (text != null && text.length() > Storable.DEGRADED_TEXT_CHARS) {
      whole.add(new InboundMessage.Attachment("message.txt", "text/plain; charset=utf-8", Buffer.buffer(text), null, false, null, null));
    }
    if (html != null && html.length() > Storable.DEGRADED_TEXT_CHARS) {
      whole.add(new InboundMessage.Attachment("message.html", "text/html; charset=utf-8", Buffer.buffer(html), null, false, null, null));
    }
    InboundMessage d = Storable.degrade(i.m, whole);
    return storeFiles(d).map(files -> new Batch.Item(d, files));
  }

  /** Files are written before the transaction: content-addressed, so a rolled-back or repeated write is harmless. */
  private Future<List<Batch.Stored>> storeFiles(InboundMessage m) {
    if (m.attachments().isEmpty()) return Future.succeededFuture(List.of());
    List<Future<Batch.Stored>> all = new ArrayList<>();
    for (InboundMessage.Attachment a : m.attachments()) {
      all.add(a.content() == null ? Future.succeededFuture(new Batch.Stored(a, null))
          : attachments.put(a.content()).map(s -> new Batch.Stored(a, s)));
    }
    return Future.all(all).map(cf -> {
      List<Batch.Stored> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) out.add(cf.resultAt(i));
      return out;
    });
  }
}
