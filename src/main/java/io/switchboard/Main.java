package io.switchboard;

import io.switchboard.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Starts the hub: {@code java -jar switchboard.jar [--conf FILE] [--cluster]}. Wires; the work is elsewhere. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    Path conf = null;
    Map<String, Object> overrides = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> {
          if (i + 1 >= args.length) usage("--conf needs a file");
          conf = Path.of(args[++i]);
        }
        case "--cluster" -> overrides.put("cluster.enabled", true);
        case "--help", "-h" -> usage(null);
        default -> usage("unknown argument " + args[i]);
      }
    }
    // one exit hook stops everything in order: sockets, verticles, then the embedded PostgreSQL they use
    AtomicReference<Switchboard> running = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Switchboard s = running.get();
      if (s == null) return;
      log.info("shutting down");
      s.stop();
      log.info("stopped");
    }, "shutdown"));
    try {
      Config config = Config.load(conf, System.getenv()).with(overrides);
      running.set(Switchboard.start(config, false));
    } catch (Exception e) {
      log.error("switchboard could not start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  private static void usage(String problem) {
    if (problem != null) System.err.println(problem);
    System.err.println("usage: java -jar switchboard.jar [--conf FILE] [--cluster]");
    System.exit(problem == null ? 0 : 2);
  }
}
