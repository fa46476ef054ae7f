package io.switchboard.ingest;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.db.Db;
import io.switchboard.db.TryLater;
import io.switchboard.common.Failures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for this node: every channel's messages wait in one bounded queue, and up to {@code writers}
 * transactions at a time each take what has gathered (up to {@code batch}). A lone message is written at once;
 * under load, the messages that arrive while a transaction runs share the next one. Each sender is answered after
 * the transaction holding its message has committed.
 *
 * <p>Past what the database can take, the queue fills: a message that finds it full, or waits longer than
 * {@code queueTimeout}, is refused with {@link TryLater} (503 with Retry-After, SMTP 451) and is never written, so
 * no sender waits long and none is told "stored" of what was not. A batch that fails because of one message is
 * written again message by message, so that message fails alone.
 *
 * <p>All of it runs on one event loop of its own; senders hand messages over and get their answer back on their own.
 */
final class Batcher {

  private static final Logger log = LoggerFactory.getLogger(Batcher.class);
  private static final int RETRIES = 3;

  private final Db db;
  private final Context context;
  private final int maxBatch;
  private final int writers;
  private final int queueLimit;
  private final long queueTimeoutNanos;
  private final ArrayDeque<Batch.Item> queue = new ArrayDeque<>();
  private final AtomicInteger depth = new AtomicInteger();
  /** Refusals since the last log line about them: one line per ten seconds of overload, not one per message. */
  private final AtomicInteger refused = new AtomicInteger();
  private int writing;
  /** Makes a message that PostgreSQL refused as it was storable another way; see {@link Storable#degrade}. */
  private final java.util.function.Function<Batch.Item, Future<Batch.Item>> degrade;
  private final DistributionSummary batchSizes;
  private final Timer commits;

  Batcher(Vertx vertx, Db db, MeterRegistry metrics, int maxBatch, int writers, int queueLimit, long queueTimeoutMs,
          java.util.function.Function<Batch.Item, Future<Batch.Item>> degrade) {
    this.db = db;
    this.degrade = degrade;
    // a context of its own: created off any event loop, it gets an event loop to itself
    this.context = vertx.getOrCreateContext();
    this.maxBatch = maxBatch;
    this.writers = writers;
    this.queueLimit = queueLimit;
    this.queueTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(queueTimeoutMs);
    this.batchSizes = DistributionSummary.builder("switchboard.ingest.batch.size")
        .description("messages per ingest transaction").register(metrics);
    this.commits = Timer.builder("switchboard.ingest.commit").description("ingest transactions, begin to commit")
        .register(metrics);
    metrics.gauge("switchboard.ingest.queue", depth);
    // refuses what waited too long even while every writer is stuck (a database that stopped answering)
    context.runOnContext(v -> {
      vertx.setPeriodic(100, id -> expire());
      vertx.setPeriodic(10_000, id -> {
        int n = refused.getAndSet(0);
        if (n > 0) log.warn("refused {} messages in the last 10 s (503 / SMTP 451): the database takes fewer than arrive", n);
      });
    });
  }

  /** Hands a message over; the answer comes back on the caller's context. */
  Future<IngestResult> submit(Batch.Item item) {
    if (depth.incrementAndGet() > queueLimit) {
      depth.decrementAndGet();
      return Future.failedFuture(full());
    }
    Context caller = Vertx.currentContext();
    context.runOnContext(v -> {
      queue.add(item);
      pump();
    });
    if (caller == null || caller == context) return item.done.future();
    Promise<IngestResult> back = Promise.promise();
    item.done.future().onComplete(ar -> caller.runOnContext(v -> back.handle(ar)));
    return back.future();
  }

  private TryLater full() {
    refused.incrementAndGet();
    return new TryLater("the hub is storing messages as fast as its database allows; try again shortly", 1);
  }

  private void pump() {
    while (writing < writers && !queue.isEmpty()) {
      List<Batch.Item> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
      long now = System.nanoTime();
      while (!queue.isEmpty() && batch.size() < maxBatch) {
        Batch.Item i = queue.poll();
        depth.decrementAndGet();
        if (now - i.queuedNanos > queueTimeoutNanos) i.done.fail(full());
        else batch.add(i);
      }
      if (batch.isEmpty()) continue;
      writing++;
      write(batch, 1).onComplete(ar -> {
        writing--;
        pump();
      });
    }
  }

  private void expire() {
    long now = System.nanoTime();
    while (!queue.isEmpty() && now - queue.peek().queuedNanos > queueTimeoutNanos) {
      queue.poll().done.fail(full());
      depth.decrementAndGet();
    }
  }

  /** Writes a batch and answers its messages; completes when all of them are answered or written again. */
  private Future<Void> write(List<Batch.Item> batch, int attempt) {
    long start = System.nanoTime();
    return Batch.write(db, batch).transform(ar -> {
      commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (ar.succeeded()) {
        batchSizes.record(batch.size());
        answer(batch);
        return Future.succeededFuture();
      }
      Throwable t = ar.cause();
      String state = Failures.sqlState(t);
      // a deadlock, or a conversation or contact that vanished between look-up and write (merged away meanwhile):
      // the batch is read again from the start
      if (("40P01".equals(state) || "40001".equals(state) || "23503".equals(state)) && attempt < RETRIES) {
        log.debug("ingest batch of {} retried after {}", batch.size(), state);
        return write(batch, attempt + 1);
      }
      if (batch.size() == 1 && !batch.get(0).degraded && state != null && (state.startsWith("22") || state.startsWith("54"))) {
        // the message's own content was refused (a text too big for the search index…): stored another way, never lost
        Batch.Item original = batch.get(0);
        log.warn("a {} message was refused as it was ({}); storing it with its text cut and attached whole",
            original.m.channel(), t.toString());
        return degrade.apply(original).compose(d -> {
          d.degraded = true;
          d.done.future().onComplete(original.done);
          return write(List.of(d), 1);
        }, e -> {
          original.done.tryFail(e);
          return Future.succeededFuture();
        });
      }
      if (batch.size() == 1 || Failures.isUnavailable(t)) {
        for (Batch.Item i : batch) i.done.tryFail(t);
        return Future.succeededFuture();
      }
      // one message's content failed the statement: each goes again alone, so it fails alone
      log.warn("an ingest batch of {} failed ({}); writing its messages one by one", batch.size(), t.toString());
      Future<Void> f = Future.succeededFuture();
      for (Batch.Item i : batch) f = f.compose(v -> write(List.of(i), 1));
      return f;
    });
  }

  private void answer(List<Batch.Item> batch) {
    for (Batch.Item i : batch) {
      if (i.sameAs != null) continue;
      if (i.ep == null) {
        i.done.fail(new UnknownEndpoint(i.m.channel(), i.m.endpointAddress()));
      } else if (i.raced) {
        Duplicates.stored(db, i.m).onComplete(i.done);
      } else {
        i.done.complete(i.result);
      }
    }
    for (Batch.Item i : batch) {
      if (i.sameAs == null) continue;
      i.sameAs.done.future().map(Duplicates::again).onComplete(i.done);
    }
  }

  int depth() {
    return depth.get();
  }
}
