package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SMTP listener ({@code smtp.host}:{@code smtp.port}): a non-blocking receiver on a Vert.x {@link NetServer},
 * one {@link SmtpSession} per connection. Limits the number of connections; offers STARTTLS when a certificate
 * and key are configured. Sets {@link Hub#smtpPort} to the port it bound.
 */
final class SmtpServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

  /** What every session of this listener shares. */
  record Settings(String hostname, long maxMessageBytes, int maxRecipients, int idleTimeoutSeconds,
                  ServerSSLOptions tls) {
  }

  private final Node node;
  private final MailIntake intake;
  private NetServer server;
  private Settings settings;
  private int open;

  SmtpServer(Node node, MailIntake intake) {
    this.node = node;
    this.intake = intake;
  }

  @Override
  public Future<?> start() {
    String hostname = ownName(node);
    ServerSSLOptions tls;
    try {
      tls = tls(node.config().smtp().tlsCertPath(), node.config().smtp().tlsKeyPath());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    settings = new Settings(hostname, node.config().smtp().maxMessageBytes(), node.config().smtp().maxRecipients(),
        node.config().smtp().idleTimeoutSeconds(), tls);
    int maxConnections = node.config().smtp().maxConnections();
    NetServerOptions options = new NetServerOptions()
        .setHost(node.config().smtp().host())
        .setPort(node.config().smtp().port())
        .setTcpNoDelay(true);
    return vertx.createNetServer(options).connectHandler(socket -> accept(socket, maxConnections)).listen().onSuccess(s -> {
      server = s;
      node.state().smtpPort(s.actualPort());
      if (tls != null) log.info("SMTP listener offers STARTTLS");
    });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  private void accept(NetSocket socket, int maxConnections) {
    if (open >= maxConnections) {
      // a flood must not exhaust memory or file handles: refuse politely, the sender retries later
      socket.write("421 4.7.0 " + settings.hostname() + " too many connections, try again later\r\n")
          .onComplete(ar -> socket.close());
      return;
    }
    open++;
    new SmtpSession(vertx, socket, settings, intake, () -> open--).start();
  }

  /** STARTTLS options from PEM files, or null when none are configured. */
  private static ServerSSLOptions tls(String cert, String key) {
    if (cert.isBlank() && key.isBlank()) return null;
    if (cert.isBlank() || key.isBlank()) {
      throw new IllegalArgumentException("smtp.tls_cert_path and smtp.tls_key_path must be set together");
    }
    for (String p : new String[] {cert, key}) {
      if (!Files.isReadable(Path.of(p))) throw new IllegalArgumentException("cannot read " + p + " (smtp TLS)");
    }
    return new ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key));
  }

  /** The name this hub greets with, as a server and as a client: {@code smtp.hostname}, else the machine's name. */
  static String ownName(Node node) {
    String h = node.config().smtp().hostname();
    return h == null || h.isBlank() ? localName() : h.trim();
  }

  static String localName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "switchboard";
    }
  }
}
