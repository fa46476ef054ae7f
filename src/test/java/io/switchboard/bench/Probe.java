package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

public final class Probe {
  public static void main(String[] args) throws Exception {
    try (Harness h = new Harness(Path.of("target", "switchboard.jar"), false)) {
      List<JsonObject> eps = h.inboxWithApiEndpoints("Probe", 4);
      int rate = Integer.parseInt(args[0]);
      System.out.println("hub pid " + h.hub.pid());
      for (int round = 0; round < 4; round++) {
        int r0 = round;
        int rr = round == 0 ? 300 : rate * round;
        OpenLoop.Result r = Harness.await(OpenLoop.run(h.vertx, rr, rr * 6, 5000, i ->
            h.postApi(eps.get(i % 4), "p-" + (i % 500), "probe " + i, "p" + r0 + "x" + i).recover(t -> Future.succeededFuture(599))), 300);
        System.out.printf("rate %d: achieved %.0f, %s, failed %d%n", rr, r.achievedRate(), r.latency().line(), r.failed());
      }
      // sequential latency
      Latency seq = new Latency();
      for (int i = 0; i < 200; i++) {
        long t0 = System.nanoTime();
        Harness.await(h.postApi(eps.get(i % 4), "s-" + i, "seq " + i, "s" + i), 30);
        seq.record(System.nanoTime() - t0);
      }
      System.out.println("sequential: " + seq.line());
    }
    System.exit(0);
  }
}
