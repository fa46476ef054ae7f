package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

/**
 * What is watched around each ingest scenario: the CPU each party used and the hub's write-path metrics (scraped
 * before and after, the queue gauge sampled in between).
 */
final class Watch {

  private final Harness h;
  final Cpu.Window cpu;
  private final Metrics.Scrape before;
  private final Metrics.QueueWatch queue;

  private Watch(Harness h, Cpu.Window cpu) {
    this.h = h;
    this.before = Metrics.scrape(h.base());
    this.queue = new Metrics.QueueWatch(h.base(), before);
    this.cpu = cpu.begin();
  }

  /** Starts watching; {@code cpu} names the parties (see {@link Harness#cpu()}). */
  static Watch begin(Harness h, Cpu.Window cpu) {
    return new Watch(h, cpu);
  }

  /** Ends the CPU window now (the load is over); metrics are read by {@link #metrics()}. */
  JsonObject endCpu() {
    return cpu.end();
  }

  /** After the scenario's load (and its backlog): the metrics' change. */
  JsonObject metrics() {
    double peak = queue.stop();
    return Metrics.report(before, Metrics.scrape(h.base()), peak);
  }
}
