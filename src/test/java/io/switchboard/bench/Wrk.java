package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Sustained load from wrk (a C load generator, so the measuring does not eat the cores it measures): 64 keep-alive
 * connections replaying webhooks the harness generated beforehand, each unique, as fast as the hub answers
 * (closed loop). wrk runs one connection per thread, so in each thread's Lua state every answer belongs to the
 * request just sent: the status of every message is known, for the exactly-once check. A thread that runs out of
 * requests stops (and the run says so: its rate is then a lower bound).
 */
final class Wrk {

  static final int CONNECTIONS = 64;

  private Wrk() {
  }

  /** Fails early, saying how to install wrk, when it is not on the PATH. */
  static void check() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "wrk"))) return;
    }
    throw new IllegalStateException("the benchmark drives sustained load with wrk, which is not installed here: "
        + "apt-get install wrk (Debian package 'wrk'), then run again");
  }

  /** What one wrk run did; every request it sent is also in the ledger with whether it was acknowledged. */
  record Run(double seconds, long sent, long acked, Map<Integer, Long> statuses, boolean exhausted, JsonObject errors,
             JsonObject latency, long cpuTicks) {
    double ackedPerSecond() {
      return acked / seconds;
    }

    JsonObject json() {
      JsonObject s = new JsonObject();
      statuses.forEach((k, v) -> s.put(String.valueOf(k), v));
      return new JsonObject().put("seconds", Cpu.round(seconds)).put("sent", sent).put("acknowledged", acked)
          .put("acknowledged_per_s", Math.round(ackedPerSecond())).put("statuses", s).put("requests_ran_out", exhausted)
          .put("socket_errors", errors).put("ack_latency_closed_loop", latency);
    }
  }

  /** Requests written for one run: {@code prefix + i} for i below count. */
  record Prepared(Path dir, String prefix, int count) {
  }

  /** Generates the requests of one run (before its measuring window opens: signing them is not load). */
  static Prepared prepare(Harness h, Webhooks.Source source, String prefix, int count) throws Exception {
    Path dir = Files.createDirectories(h.dir.resolve("wrk").resolve(prefix));
    write(h, source, prefix, count, dir);
    Files.writeString(dir.resolve("script.lua"), script(dir, h.hostPort()));
    return new Prepared(dir, prefix, count);
  }

  /**
   * Runs wrk for {@code seconds} over prepared requests and records in the ledger every request it sent. A CPU window,
   * if given, is ended as soon as wrk has exited, with wrk's own CPU time as the party "wrk".
   */
  static Run run(Harness h, Prepared prepared, int seconds, Ledger ledger, Cpu.Window window) throws Exception {
    Path dir = prepared.dir();
    String prefix = prepared.prefix();
    Path stat = dir.resolve("sh.stat");
    // sh waits for wrk and then reads its own stat, whose cutime/cstime are wrk's CPU time: wrk has exited by then
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "\"$@\"; rc=$?; cat /proc/$$/stat > '" + stat + "'; exit $rc", "sh",
        "wrk", "-t" + CONNECTIONS, "-c" + CONNECTIONS, "-d" + seconds + "s", "--timeout", "30s", "-s",
        dir.resolve("script.lua").toString(), h.base() + "/"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("wrk.out").toFile()).start();
    if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not finish; see " + dir.resolve("wrk.out"));
    }
    long ticks = childTicks(stat);
    if (window != null) window.total("wrk", ticks).end();
    Path result = dir.resolve("result.json");
    if (!Files.exists(result)) {
      throw new IllegalStateException("wrk wrote no result (exit " + p.exitValue() + "):\n" + Files.readString(dir.resolve("wrk.out")));
    }
    JsonObject r = new JsonObject(Files.readString(result));
    long sent = 0;
    long acked = 0;
    boolean exhausted = false;
    Map<Integer, Long> statuses = new TreeMap<>();
    for (Object o : r.getJsonArray("threads")) {
      JsonObject t = (JsonObject) o;
      int tid = t.getInteger("tid");
      exhausted |= t.getBoolean("exhausted");
      String[] st = t.getString("statuses").isEmpty() ? new String[0] : t.getString("statuses").split(" ");
      for (int k = 0; k < st.length; k++) {
        int i = tid + k * CONNECTIONS;
        int status = Integer.parseInt(st[k]);
        boolean ok = status / 100 == 2;
        ledger.sent(prefix + i, i, ok);
        statuses.merge(status == 0 ? 599 : status, 1L, Long::sum);
        sent++;
        if (ok) acked++;
      }
    }
    JsonObject lat = r.getJsonObject("latency_us");
    JsonObject latency = new JsonObject();
    for (String k : List.of("p50", "p90", "p99", "p99_9", "max")) {
      latency.put(k + "_ms", lat.getValue(k) == null ? null : Cpu.round(((Number) lat.getValue(k)).doubleValue() / 1000));
    }
    deleteRequests(dir);
    return new Run(r.getLong("duration_us") / 1e6, sent, acked, statuses, exhausted, r.getJsonObject("errors"), latency, ticks);
  }

  /** The request files can be large; the script, wrk's output and its result stay for reading. */
  private static void deleteRequests(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) if (f.getFileName().toString().startsWith("req-")) Files.delete(f);
    }
  }

  /** One file per thread (thread t sends requests t, t+64, t+128…): records of "length\n" + raw HTTP request. */
  private static void write(Harness h, Webhooks.Source source, String prefix, int count, Path dir) throws Exception {
    for (int t = 0; t < CONNECTIONS; t++) {
      StringBuilder sb = new StringBuilder();
      for (int i = t; i < count; i += CONNECTIONS) {
        byte[] raw = source.request(prefix + i, i).raw(h.hostPort()).getBytes(StandardCharsets.UTF_8);
        sb.append(raw.length).append('\n').append(new String(raw, StandardCharsets.UTF_8));
      }
      Files.writeString(dir.resolve("req-" + t + ".bin"), sb.toString());
    }
  }

  /** CPU ticks of the shell's waited-for children (wrk), from its stat line; -1 if unknown. */
  static long childTicks(Path stat) {
    try {
      String line = Files.readString(stat);
      String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static String script(Path dir, String hostPort) {
    return """
        -- Written by the Switchboard benchmark harness (io.switchboard.bench.Wrk). Replays pre-generated webhooks; one
        -- connection per thread, so the answer handed to response() is the answer to the request just sent.
        local dir = "%s"
        local threads = {}
        local count = 0

        function setup(thread)
          thread:set("tid", count)
          count = count + 1
          table.insert(threads, thread)
        end

        function init(args)
          local f = assert(io.open(dir .. "/req-" .. tid .. ".bin", "rb"))
          local data = f:read("*a")
          f:close()
          reqs = {}
          local pos = 1
          while pos <= #data do
            local nl = string.find(data, "\\n", pos, true)
            local len = tonumber(string.sub(data, pos, nl - 1))
            reqs[#reqs + 1] = string.sub(data, nl + 1, nl + len)
            pos = nl + len + 1
          end
          sent = 0
          statuses = {}
          exhausted = false
          idle = "GET /health HTTP/1.1\\r\\nHost: %s\\r\\n\\r\\n"
        end

        function request()
          if sent >= #reqs then
            exhausted = true
            wrk.thread:stop()
            return idle
          end
          sent = sent + 1
          return reqs[sent]
        end

        function response(status, headers, body)
          if not exhausted then statuses[sent] = status end
        end

        local function num(x)
          if x ~= x or x == nil then return "null" end
          return string.format("%%.1f", x)
        end

        function done(summary, latency, requests)
          local out = assert(io.open(dir .. "/result.json", "w"))
          local e = summary.errors
          out:write('{"duration_us":', summary.duration, ',"requests":', summary.requests,
            ',"errors":{"connect":', e.connect, ',"read":', e.read, ',"write":', e.write, ',"status":', e.status,
            ',"timeout":', e.timeout, '},"latency_us":{"p50":', num(latency:percentile(50)), ',"p90":', num(latency:percentile(90)),
            ',"p99":', num(latency:percentile(99)), ',"p99_9":', num(latency:percentile(99.9)), ',"max":', num(latency.max),
            '},"threads":[')
          for i, t in ipairs(threads) do
            local st = t:get("statuses")
            local n = t:get("sent")
            local parts = {}
            for k = 1, n do parts[k] = tostring(st[k] or 0) end
            if i > 1 then out:write(",") end
            out:write('{"tid":', t:get("tid"), ',"sent":', n, ',"exhausted":', tostring(t:get("exhausted")),
              ',"statuses":"', table.concat(parts, " "), '"}')
          end
          out:write("]}")
          out:close()
        end
        """.formatted(dir.toAbsolutePath(), hostPort);
  }
}
