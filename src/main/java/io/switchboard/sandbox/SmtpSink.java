package io.switchboard.sandbox;

import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outgoing mail server of sandbox e-mail endpoints: a small SMTP server on the loopback interface (any free
 * port, {@code NodeState#sandboxSmtpPort}) that takes every message and keeps none. A message whose text contains
 * the fail marker is refused after DATA with {@code 550}, which the hub records as a permanent failure; any other
 * is accepted ({@code 250}, the hub records {@code sent}), and since e-mail has no delivery report, the sink then
 * records the reply {@code delivered}, as the receiving server accepting it would mean.
 */
final class SmtpSink {

  private static final Logger log = LoggerFactory.getLogger(SmtpSink.class);
  private static final int MAX_BYTES = 30 * 1024 * 1024;
  private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*<([^>\\r\\n]{1,900})>");

  private final Node node;
  private final SandboxStore store;
  private final Callbacks callbacks;

  SmtpSink(Node node, SandboxStore store, Callbacks callbacks) {
    this.node = node;
    this.store = store;
    this.callbacks = callbacks;
  }

  Future<Void> start() {
    NetServer server = node.vertx().createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setIdleTimeout(120));
    server.connectHandler(this::session);
    return server.listen().map(s -> {
      node.state().sandboxSmtpPort(s.actualPort());
      return null;
    });
  }

  private void session(NetSocket socket) {
    RecordParser parser = RecordParser.newDelimited("\r\n");
    StringBuilder data = new StringBuilder();
    boolean[] inData = {false};
    parser.handler(line -> {
      String s = line.toString(StandardCharsets.UTF_8);
      if (inData[0]) {
        if (s.equals(".")) {
          inData[0] = false;
          socket.write(finished(data.toString()));
          data.setLength(0);
        } else if (data.length() < MAX_BYTES) {
          data.append(s.startsWith(".") ? s.substring(1) : s).append("\r\n");
        }
        return;
      }
      String verb = s.length() < 4 ? s.toUpperCase(Locale.ROOT) : s.substring(0, 4).toUpperCase(Locale.ROOT);
      switch (verb) {
        case "EHLO" -> socket.write("250-sandbox.switchboard\r\n250-8BITMIME\r\n250-SIZE " + MAX_BYTES + "\r\n250 SMTPUTF8\r\n");
        case "HELO" -> socket.write("250 sandbox.switchboard\r\n");
        case "MAIL", "RCPT", "RSET", "NOOP" -> socket.write("250 2.0.0 Ok\r\n");
        case "DATA" -> {
          inData[0] = true;
          socket.write("354 End data with <CR><LF>.<CR><LF>\r\n");
        }
        case "QUIT" -> socket.end(Buffer.buffer("221 2.0.0 Bye\r\n"));
        default -> socket.write("502 5.5.2 Command not recognized\r\n");
      }
    });
    socket.handler(parser);
    socket.write("220 sandbox.switchboard ESMTP Switchboard sandbox (mail is taken and kept nowhere)\r\n");
  }

  /** The answer to one whole message. */
  private String finished(String message) {
    // quoted-printable soft line breaks would split the marker
    String text = message.replace("=\r\n", "");
    if (Signing.asksToFail(text)) return "550 5.1.1 sandbox: the message asked to fail with " + Sandbox.FAIL_MARKER + "\r\n";
    Matcher id = MESSAGE_ID.matcher(message);
    if (id.find()) {
      String messageId = id.group(1).trim();
      callbacks.until(() -> store.delivered(null, null, messageId));
    } else {
      log.info("sandbox: a message without a Message-ID was taken; it cannot be marked delivered");
    }
    return "250 2.0.0 Ok: taken by the sandbox\r\n";
  }
}
