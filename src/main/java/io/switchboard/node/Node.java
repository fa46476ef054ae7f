package io.switchboard.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.config.Config;
import io.switchboard.db.Db;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

/**
 * What every part of a running node shares, and nothing of any feature: Vert.x, the configuration, the database,
 * metrics, the client for providers' APIs, this node's id, its clock and its lifecycle. Built once by the wiring
 * (io.switchboard.Switchboard); features get the features they use from it, each by name, in their constructors.
 */
public record Node(Vertx vertx, Config config, Db db, PrometheusMeterRegistry metrics, WebClient http, String nodeId,
                   NodeClock clock, NodeState state) {
}
