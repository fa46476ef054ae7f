package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A JVM process the harness starts (the hub, the bare broadcast server), with its log kept for reading. */
final class Proc implements AutoCloseable {

  final Process process;
  final List<String> log = new CopyOnWriteArrayList<>();
  private final String name;

  private Proc(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) log.add(line);
      } catch (Exception ignored) {
        // ended
      }
    }, name + "-log");
    t.setDaemon(true);
    t.start();
  }

  static Proc start(String name, List<String> command, Path dir, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new Proc(name, pb.start());
  }

  /** This process's class path with absolute entries, for a process started in another directory. */
  static String classPath() {
    StringBuilder sb = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.isEmpty()) continue;
      if (sb.length() > 0) sb.append(java.io.File.pathSeparatorChar);
      sb.append(Path.of(e).toAbsolutePath());
    }
    return sb.toString();
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Waits for a log line; fails if the process dies or time runs out. */
  String await(Predicate<String> match, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      for (String l : log) if (match.test(l)) return l;
      if (!process.isAlive()) throw new IllegalStateException(name + " exited:\n" + String.join("\n", log));
      Thread.sleep(50);
    }
    throw new IllegalStateException(name + ": expected log line not seen in " + seconds + " s:\n" + String.join("\n", log));
  }

  long pid() {
    return process.pid();
  }

  /** Resident set size in bytes, from /proc. */
  long rssBytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return -1;
  }

  @Override
  public void close() throws Exception {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
