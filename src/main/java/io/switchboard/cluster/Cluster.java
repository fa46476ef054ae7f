package io.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Starts Vert.x as a node of a Hazelcast cluster: members found through a TCP/IP member list
 * ({@code cluster.members}) or, when that is empty, multicast; the event bus then spans the nodes, so an event
 * committed anywhere reaches sockets everywhere. Hazelcast only finds members and keeps the bus's address book;
 * all state that must survive lives in PostgreSQL.
 */
public final class Cluster {

  private static final Logger log = LoggerFactory.getLogger(Cluster.class);

  private Cluster() {
  }

  public static Future<Vertx> start(io.switchboard.config.Config config, VertxOptions options, VertxBuilder builder) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.cluster().name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // a node that dies is noticed in seconds, not the default minute
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    String host = config.cluster().host();
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(config.cluster().port()).setPortAutoIncrement(true);
    if (!host.isBlank()) {
      net.getInterfaces().setEnabled(true).addInterface(host);
      hz.setProperty("hazelcast.local.localAddress", host);
    }
    List<String> members = config.cluster().members();
    JoinConfig join = net.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(members.isEmpty());
    join.getTcpIpConfig().setEnabled(!members.isEmpty()).setMembers(members);
    options.getEventBusOptions().setPort(config.cluster().busPort());
    if (!host.isBlank()) options.getEventBusOptions().setHost(host);
    log.info("joining cluster '{}' as {}:{} by {}", config.cluster().name(), host, config.cluster().port(),
        members.isEmpty() ? "multicast" : "member list " + members);
    return builder.with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
  }
}
