package io.switchboard.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a sender puts in a request, the hub's log stays one line per entry and carries no terminal escapes: the
 * log is what operators read and grep, and what log shippers split into records.
 */
@WithHub
class LogLinesTest {

  static TestHub hub;
  ByteArrayOutputStream captured;
  OutputStreamAppender<ILoggingEvent> appender;

  /** Captures the log as the console shows it: the layout of src/main/resources/logback.xml, unchanged. */
  @BeforeEach
  void capture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    PatternLayoutEncoder console = (PatternLayoutEncoder) ((OutputStreamAppender<ILoggingEvent>) root.getAppender("out")).getEncoder();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(console.getPattern());
    encoder.start();
    captured = new ByteArrayOutputStream();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
  }

  String log() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  static final String FORGED = "12:00:00.000 INFO  AuthApi - admin@localhost signed in";

  @Test
  @DisplayName("a provider callback whose logged parameter holds CR, LF and ESC gives one log line, with them escaped")
  void requestInputIsEscaped() {
    // an unsigned SMS status callback for numbers the hub does not have is refused, and logged with its status
    String status = "delivered\r\n" + FORGED + "\u001b[2J\u001b]0;pwned\u0007";
    ApiClient anyone = new ApiClient(hub.base());
    String form = "MessageSid=SM0123456789&From=%2B15550001111&To=%2B15550002222&MessageStatus="
        + java.net.URLEncoder.encode(status, StandardCharsets.UTF_8);
    assertThat(anyone.postRaw("/hooks/twilio/sms/status", form, "application/x-www-form-urlencoded").status()).isEqualTo(404);

    String out = log();
    List<String> lines = Arrays.asList(out.split("\n", -1));
    List<String> entry = lines.stream().filter(l -> l.contains("SM0123456789")).toList();
    assertThat(entry).hasSize(1);
    assertThat(entry.get(0)).contains("SMS status delivered\\r\\n" + FORGED + "\\u001b[2J\\u001b]0;pwned\\u0007 for SM0123456789");
    assertThat(lines).noneMatch(l -> l.startsWith(FORGED));
    assertThat(out).doesNotContain("\r").doesNotContain("\u001b").doesNotContain("\u0007");
  }

  @Test
  @DisplayName("an exception's message is escaped too, while its stack trace keeps its lines")
  void exceptionMessagesAreEscaped() {
    LoggerFactory.getLogger("io.switchboard.Probe").error("storing failed",
        new IllegalStateException("bad input \"x\r\n" + FORGED + "\u001b[31m\"", new RuntimeException("cause\nforged too")));

    String out = log();
    assertThat(out).contains("storing failed\njava.lang.IllegalStateException: bad input \"x\\r\\n" + FORGED + "\\u001b[31m\"\n");
    assertThat(out).contains("Caused by: java.lang.RuntimeException: cause\\nforged too\n");
    assertThat(out).contains("\n\tat io.switchboard.logging.LogLinesTest.exceptionMessagesAreEscaped(");
    assertThat(Arrays.asList(out.split("\n"))).noneMatch(l -> l.startsWith(FORGED) || l.startsWith("forged too"));
    assertThat(out).doesNotContain("\r").doesNotContain("\u001b");
  }
}
