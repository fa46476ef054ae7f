package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Who used the cores during a scenario: CPU time (utime + stime from {@code /proc/<pid>/stat}) of each party over the
 * wall time of the window, in cores (1.0 = one core busy throughout). PostgreSQL is the postmaster and its
 * backends; "machine" is every CPU's busy time from {@code /proc/stat}, so "other" is what the rest of a shared box
 * took meanwhile. On a system without {@code /proc} every figure is absent (-1).
 */
final class Cpu {

  /** Clock ticks per second of /proc's figures; 100 on every Linux we run on (getconf CLK_TCK). */
  static final double HZ = clockTicks();

  private Cpu() {
  }

  /** CPU ticks of one process (all its threads); with {@code children}, also those of its waited-for children. */
  static long ticks(long pid, boolean children) {
    String[] f = stat(Path.of("/proc", String.valueOf(pid), "stat"));
    if (f == null) return -1;
    // fields after "(comm)": [0]=state ... utime is field 14 of the line, i.e. index 11 here
    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return children ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
  }

  /** CPU ticks of a process tree: the root (with its reaped children) and every live descendant one level down. */
  static long treeTicks(long root) {
    long total = ticks(root, true);
    if (total < 0) return -1;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        String[] f = stat(p.resolve("stat"));
        if (f != null && Long.parseLong(f[1]) == root) total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      }
    } catch (Exception e) {
      return total;
    }
    return total;
  }

  /** Busy ticks of all CPUs together (everything but idle and iowait). */
  static long machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
      return busy;
    } catch (Exception e) {
      return -1;
    }
  }

  /** The fields of a stat line after the command name (which may hold spaces), or null if unreadable. */
  private static String[] stat(Path file) {
    try {
      String line = Files.readString(file);
      return line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
    } catch (Exception e) {
      return null;
    }
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (Exception e) {
      return 100;
    }
  }

  /**
   * A measuring window: each party's ticks at the start and at the end. A party whose process has ended by then
   * (wrk) is given its total from outside with {@link #total}.
   */
  static final class Window {
    private final Map<String, LongSupplier> parties = new LinkedHashMap<>();
    private final Map<String, Long> start = new LinkedHashMap<>();
    private final Map<String, Long> totals = new LinkedHashMap<>();
    private long t0;
    private long machine0;
    private JsonObject result;

    Window party(String name, LongSupplier ticks) {
      parties.put(name, ticks);
      return this;
    }

    Window begin() {
      t0 = System.nanoTime();
      machine0 = machineTicks();
      parties.forEach((k, v) -> start.put(k, v.getAsLong()));
      return this;
    }

    /** Ticks a party used in the window, known only afterwards (a process that has exited). */
    Window total(String name, long ticks) {
      totals.put(name, ticks);
      return this;
    }

    /** Ends the window: {party: cores}, plus "machine" (all CPUs busy) and "other" (machine minus the parties). */
    JsonObject end() {
      double wall = (System.nanoTime() - t0) / 1e9;
      long machine1 = machineTicks();
      JsonObject out = new JsonObject();
      double ours = 0;
      for (var e : parties.entrySet()) {
        long a = start.get(e.getKey());
        long b = e.getValue().getAsLong();
        double cores = a < 0 || b < 0 ? -1 : (b - a) / HZ / wall;
        out.put(e.getKey(), round(cores));
        if (cores > 0) ours += cores;
      }
      for (var e : totals.entrySet()) {
        double cores = e.getValue() < 0 ? -1 : e.getValue() / HZ / wall;
        out.put(e.getKey(), round(cores));
        if (cores > 0) ours += cores;
      }
      if (machine0 >= 0 && machine1 >= 0) {
        double all = (machine1 - machine0) / HZ / wall;
        out.put("machine", round(all)).put("other", round(Math.max(0, all - ours)));
      }
      result = out.put("seconds", round(wall));
      return result;
    }

    JsonObject result() {
      return result;
    }
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
