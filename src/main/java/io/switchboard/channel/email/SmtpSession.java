package io.switchboard.channel.email;

import io.switchboard.auth.Secrets;
import io.switchboard.common.Failures;
import io.switchboard.inbox.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP connection, the receiver side of RFC 5321 as real clients use it: EHLO/HELO, MAIL (SIZE=, BODY=),
 * RCPT, DATA, RSET, NOOP, QUIT, VRFY, STARTTLS. Commands are answered strictly in order, one at a time, so
 * pipelined commands (RFC 2920) queue behind a recipient lookup. A mail is answered 250 only after Ingest
 * committed it. Input is read in bounded lines: command lines at most 512 octets, text lines 1000.
 */
final class SmtpSession {

  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
  private static final int MAX_COMMAND_LINE = 512;
  private static final int MAX_ERRORS = 10;
  private static final int PAUSE_ABOVE = 64 * 1024;
  private static final Pattern PATH = Pattern.compile("(?i)^(FROM|TO):\\s*(<[^<>]*>|[^\\s<>]+)(.*)$");
  private static final Pattern HELO_SAFE = Pattern.compile("[^A-Za-z0-9.\\-\\[\\]:_]");

  private final Vertx vertx;
  private final NetSocket socket;
  private final SmtpServer.Settings settings;
  private final MailIntake intake;
  private final Runnable onClose;
  private final String id = Secrets.token(6);
  private Buffer in = Buffer.buffer();
  private boolean busy;
  private boolean closed;
  private boolean tls;
  private boolean discardingLine;
  private int errors;
  private long idleTimer = -1;
  private String helo;
  private boolean esmtp;
  // the mail transaction
  private String mailFrom;
  private boolean declared8bit;
  private final Map<Long, MailIntake.Target> targets = new LinkedHashMap<>();
  private final List<String> recipients = new ArrayList<>();
  /** The message being received, while in DATA. */
  private SmtpData data;

  SmtpSession(Vertx vertx, NetSocket socket, SmtpServer.Settings settings, MailIntake intake, Runnable onClose) {
    this.vertx = vertx;
    this.socket = socket;
    this.settings = settings;
    this.intake = intake;
    this.onClose = onClose;
  }

  void start() {
    socket.handler(this::received);
    socket.exceptionHandler(t -> close());
    socket.closeHandler(v -> {
      closed = true;
      data = null;
      if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
      onClose.run();
    });
    reply("220 " + settings.hostname() + " ESMTP Switchboard ready");
    touch();
  }

  private void received(Buffer chunk) {
    if (closed) return;
    touch();
    in.appendBuffer(chunk);
    if (busy && in.length() > PAUSE_ABOVE) socket.pause();
    safely(this::pump);
  }

  /** A bug met by odd input ends this connection with a temporary error, never the listener. */
  private void safely(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log.error("SMTP {}: unexpected failure, closing the connection", id, e);
      reply("421 4.3.0 local error, closing connection");
      close();
    }
  }

  /** Handles every complete line received, unless a command is still being answered. */
  private void pump() {
    while (!busy && !closed) {
      if (data != null) {
        Buffer rest = data.feed(in);
        in = Buffer.buffer();
        if (rest == null) return;
        in = rest;
        finishData();
        continue;
      }
      int lf = indexOf(in, (byte) '\n');
      if (discardingLine) {
        if (lf < 0) {
          in = Buffer.buffer();
          return;
        }
        in = in.getBuffer(lf + 1, in.length());
        discardingLine = false;
        lineTooLong();
        continue;
      }
      if (lf < 0) {
        if (in.length() > MAX_COMMAND_LINE) {
          discardingLine = true;
          in = Buffer.buffer();
        }
        return;
      }
      if (lf + 1 > MAX_COMMAND_LINE) {
        in = in.getBuffer(lf + 1, in.length());
        lineTooLong();
        continue;
      }
      String line = in.getString(0, lf, StandardCharsets.ISO_8859_1.name());
      if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
      in = in.getBuffer(lf + 1, in.length());
      command(line);
    }
  }

  private void lineTooLong() {
    reply("500 5.5.0 line too long (commands are at most " + MAX_COMMAND_LINE + " octets)");
    error();
  }

  private void command(String line) {
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String arg = space < 0 ? "" : line.substring(space + 1).trim();
    switch (verb) {
      case "EHLO", "HELO" -> hello(verb.equals("EHLO"), arg);
      case "MAIL" -> mail(arg);
      case "RCPT" -> rcpt(arg);
      case "DATA" -> data(arg);
      case "RSET" -> {
        reset();
        reply("250 2.0.0 OK");
      }
      case "NOOP" -> reply("250 2.0.0 OK");
      case "QUIT" -> {
        closed = true;
        socket.write("221 2.0.0 " + settings.hostname() + " closing connection\r\n").onComplete(ar -> socket.close());
      }
      case "VRFY" -> reply("252 2.5.2 cannot verify the address, but will accept mail for it");
      case "STARTTLS" -> startTls(arg);
      case "HELP" -> reply("214 2.0.0 commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY" + (tlsOffered() ? " STARTTLS" : ""));
      case "EXPN", "AUTH", "BDAT", "TURN", "ETRN" -> reply("502 5.5.1 " + verb + " is not offered here");
      default -> {
        reply("500 5.5.2 command not recognized");
        error();
      }
    }
  }

  private void hello(boolean extended, String arg) {
    if (arg.isEmpty()) {
      reply("501 5.5.4 " + (extended ? "EHLO" : "HELO") + " needs your domain name or address");
      error();
      return;
    }
    reset();
    String name = HELO_SAFE.matcher(arg.split(" ")[0]).replaceAll("");
    helo = name.isEmpty() ? "unknown" : name.substring(0, Math.min(100, name.length()));
    esmtp = extended;
    if (!extended) {
      reply("250 " + settings.hostname());
      return;
    }
    StringBuilder sb = new StringBuilder("250-").append(settings.hostname()).append(" greets ").append(helo).append("\r\n")
        .append("250-SIZE ").append(settings.maxMessageBytes()).append("\r\n")
        .append("250-8BITMIME\r\n")
        .append("250-PIPELINING\r\n");
    if (tlsOffered()) sb.append("250-STARTTLS\r\n");
    sb.append("250 ENHANCEDSTATUSCODES");
    reply(sb.toString());
  }

  private boolean tlsOffered() {
    return settings.tls() != null && !tls;
  }

  private void mail(String arg) {
    if (helo == null) {
      badSequence("send EHLO or HELO first");
      return;
    }
    if (mailFrom != null) {
      badSequence("a mail transaction is already open (RSET to start over)");
      return;
    }
    Matcher m = PATH.matcher(arg);
    if (!m.matches() || !m.group(1).equalsIgnoreCase("FROM")) {
      syntax("syntax: MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME]");
      return;
    }
    boolean eight = false;
    for (String param : m.group(3).trim().split("\\s+")) {
      if (param.isEmpty()) continue;
      String[] kv = param.split("=", 2);
      String key = kv[0].toUpperCase(Locale.ROOT);
      String value = kv.length > 1 ? kv[1] : "";
      if (key.equals("SIZE") && value.matches("\\d{1,18}")) {
        if (Long.parseLong(value) > settings.maxMessageBytes()) {
          reply("552 5.3.4 the message is larger than the limit of " + settings.maxMessageBytes() + " bytes");
          return;
        }
      } else if (key.equals("BODY") && (value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
        eight = value.equalsIgnoreCase("8BITMIME");
      } else {
        reply("555 5.5.4 MAIL parameter " + key + " is not supported");
        return;
      }
    }
    String path = path(m.group(2));
    String sender = path.isEmpty() ? "" : Addresses.normalEmail(path);
    if (sender == null) {
      reply("501 5.1.7 the sender address is not valid");
      return;
    }
    mailFrom = sender;
    declared8bit = eight;
    reply("250 2.1.0 OK");
  }

  private void rcpt(String arg) {
    if (mailFrom == null) {
      badSequence("send MAIL first");
      return;
    }
    Matcher m = PATH.matcher(arg);
    if (!m.matches() || !m.group(1).equalsIgnoreCase("TO")) {
      syntax("syntax: RCPT TO:<address>");
      return;
    }
    if (!m.group(3).isBlank()) {
      reply("555 5.5.4 RCPT parameters are not supported");
      return;
    }
    if (recipients.size() >= settings.maxRecipients()) {
      reply("452 4.5.3 too many recipients");
      return;
    }
    String raw = path(m.group(2));
    if (Addresses.normalEmail(raw) == null) {
      reply("501 5.1.3 the recipient address is not valid");
      return;
    }
    busy = true;
    intake.resolve(raw).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        MailIntake.keep(targets, ar.result());
        recipients.add(raw);
        reply("250 2.1.5 OK");
      } else if (ar.succeeded()) {
        reply("550 5.1.1 <" + raw + ">: no such mailbox here");
        error();
      } else {
        if (!Failures.isUnavailable(ar.cause())) log.warn("SMTP {}: recipient lookup failed", id, ar.cause());
        reply("451 4.3.0 cannot check the recipient right now, try again later");
      }
      done();
    });
  }

  private void data(String arg) {
    if (!arg.isEmpty()) {
      syntax("DATA takes no arguments");
      return;
    }
    if (mailFrom == null) {
      badSequence("send MAIL first");
      return;
    }
    if (targets.isEmpty()) {
      reply("554 5.5.1 no valid recipients");
      return;
    }
    data = new SmtpData(settings.maxMessageBytes());
    reply("354 end data with <CR><LF>.<CR><LF>");
  }

  private void finishData() {
    SmtpData d = data;
    data = null;
    if (d.lineTooLong() || d.tooBig()) {
      log.info("SMTP {}: refused a message from {} ({})", id, clientIp(), d.tooBig() ? "too large" : "line too long");
    }
    if (d.lineTooLong()) {
      reply("500 5.5.0 a line of the message is longer than " + SmtpData.MAX_TEXT_LINE + " octets; nothing was stored");
      reset();
      return;
    }
    if (d.tooBig()) {
      reply("552 5.3.4 the message is larger than the limit of " + settings.maxMessageBytes() + " bytes; nothing was stored");
      reset();
      return;
    }
    byte[] header = received().getBytes(StandardCharsets.US_ASCII);
    byte[] body = d.bytes();
    byte[] raw = new byte[header.length + body.length];
    System.arraycopy(header, 0, raw, 0, header.length);
    System.arraycopy(body, 0, raw, header.length, body.length);
    JsonObject details = new JsonObject().put("source", "smtp").put("envelope", new JsonObject()
        .put("mail_from", mailFrom.isEmpty() ? null : mailFrom)
        .put("rcpt_to", new JsonArray(new ArrayList<Object>(recipients)))
        .put("helo", helo)
        .put("client_ip", clientIp())
        .put("tls", tls)
        .put("undeclared_8bit", d.saw8bit() && !declared8bit));
    List<MailIntake.Target> to = List.copyOf(targets.values());
    String sender = mailFrom.isEmpty() ? null : mailFrom;
    busy = true;
    intake.prepare(raw, header.length)
        .compose(p -> intake.deliver(p, to, details, sender))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            reply("250 2.0.0 OK stored, id " + id);
          } else if (ar.cause() instanceof MailIntake.Rejected r) {
            log.info("SMTP {}: refused a message from {}: {}", id, clientIp(), r.getMessage());
            reply(r.code + " " + r.getMessage());
          } else if (Failures.isUnavailable(ar.cause())) {
            log.warn("SMTP {}: database unavailable, answered 451: {}", id, ar.cause().toString());
            reply("451 4.3.0 temporarily unable to store the message, try again later");
          } else {
            log.error("SMTP {}: storing a message failed", id, ar.cause());
            reply("451 4.3.0 local error while storing the message, try again later");
          }
          reset();
          done();
        });
  }

  /** The trace header this hub adds (RFC 5321 section 4.4). */
  private String received() {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
    String with = (esmtp ? "ESMTP" : "SMTP") + (tls ? "S" : "");
    String forPart = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0) + ">" : "";
    return "Received: from " + helo + " ([" + clientIp() + "])\r\n\tby " + settings.hostname() + " (Switchboard) with "
        + with + " id " + id + forPart + "; " + date + "\r\n";
  }

  private void startTls(String arg) {
    if (!tlsOffered()) {
      reply(tls ? "503 5.5.1 TLS is already active" : "502 5.5.1 STARTTLS is not offered here");
      return;
    }
    if (!arg.isEmpty()) {
      syntax("STARTTLS takes no arguments");
      return;
    }
    // whatever the client sent after STARTTLS in plain text must not reach the protected session (RFC 3207)
    in = Buffer.buffer();
    busy = true;
    socket.upgradeToSsl(settings.tls(), Buffer.buffer("220 2.0.0 ready to start TLS\r\n")).onComplete(ar -> {
      if (ar.failed()) {
        close();
        return;
      }
      tls = true;
      helo = null;
      esmtp = false;
      reset();
      in = Buffer.buffer();
      done();
    });
  }

  private String path(String raw) {
    String p = raw.startsWith("<") && raw.endsWith(">") ? raw.substring(1, raw.length() - 1) : raw;
    // an old source route (@relay,@relay:user@domain) names the mailbox after the colon
    int colon = p.startsWith("@") ? p.indexOf(':') : -1;
    return (colon >= 0 ? p.substring(colon + 1) : p).trim();
  }

  private void reset() {
    mailFrom = null;
    declared8bit = false;
    targets.clear();
    recipients.clear();
  }

  private void badSequence(String why) {
    reply("503 5.5.1 bad sequence of commands: " + why);
    error();
  }

  private void syntax(String why) {
    reply("501 5.5.4 " + why);
    error();
  }

  private void error() {
    if (++errors >= MAX_ERRORS && !closed) {
      reply("421 4.7.0 too many errors, closing connection");
      close();
    }
  }

  /** A command finished its asynchronous work: answer the next queued one. */
  private void done() {
    busy = false;
    if (closed) return;
    socket.resume();
    safely(this::pump);
  }

  private void touch() {
    if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
    idleTimer = vertx.setTimer(settings.idleTimeoutSeconds() * 1000L, id -> {
      idleTimer = -1;
      if (closed) return;
      if (busy) {
        touch();
        return;
      }
      reply("421 4.4.2 idle for too long, closing connection");
      close();
    });
  }

  private void reply(String text) {
    if (!closed) socket.write(text + "\r\n");
  }

  private void close() {
    closed = true;
    data = null;
    if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
    socket.close();
  }

  private String clientIp() {
    return socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
  }

  private static int indexOf(Buffer b, byte x) {
    for (int i = 0; i < b.length(); i++) {
      if (b.getByte(i) == x) return i;
    }
    return -1;
  }
}
