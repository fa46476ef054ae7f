package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

public final class Probe {
  public static void main(String[] args) throws Exception {
    try (Harness h = new Harness(Path.of("target", "switchboard.jar"), args.length > 1)) {
      List<JsonObject> eps = h.inboxWithApiEndpoints("Probe", 4);
      int rate = Integer.parseInt(args[0]);
      System.out.println("hub pid " + h.hub.pid());
      OpenLoop.Result w = Harness.await(OpenLoop.run(h.vertx, 300, 3000, 5000, i ->
          h.postApi(eps.get(i % 4), "p-" + (i % 500), "probe " + i, "w" + i).recover(t -> Future.succeededFuture(599))), 300);
      System.out.printf("warm: achieved %.0f, %s%n", w.achievedRate(), w.latency().line());
      System.out.println("MEASURE START");
      OpenLoop.Result r = Harness.await(OpenLoop.run(h.vertx, rate, rate * 15, 20000, i ->
          h.postApi(eps.get(i % 4), "p-" + (i % 500), "probe " + i, "m" + i).recover(t -> Future.succeededFuture(599))), 300);
      System.out.printf("rate %d: achieved %.0f, %s, failed %d%n", rate, r.achievedRate(), r.latency().line(), r.failed());
      System.out.println("MEASURE END");
    }
    System.exit(0);
  }
}
