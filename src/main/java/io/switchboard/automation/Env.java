package io.switchboard.automation;

import io.switchboard.config.Config;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.node.Node;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.function.LongPredicate;

/**
 * What automations work with, built once by the wiring: the node, the timeline they write every message and entry
 * through, and who is online now (automatic assignment picks among online members).
 */
public record Env(Node node, Timeline timeline, LongPredicate online) {

  public Db db() {
    return node.db();
  }

  public Config config() {
    return node.config();
  }

  public Vertx vertx() {
    return node.vertx();
  }

  public Clock clock() {
    return node.clock();
  }

  public String nodeId() {
    return node.nodeId();
  }
}
