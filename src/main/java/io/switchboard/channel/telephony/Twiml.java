package io.switchboard.channel.telephony;

import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.ingest.UnknownEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * TwiML, the XML the provider executes for a call or message, and how the hooks answer: TwiML as {@code text/xml},
 * an empty 200 for callbacks, and errors in the API's JSON shape (the provider only reads the status).
 */
final class Twiml {

  private static final Logger log = LoggerFactory.getLogger(Twiml.class);
  static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  /** The answer to an inbound message: nothing to send back. */
  static final String EMPTY = PROLOG + "<Response/>";

  private final StringBuilder xml = new StringBuilder(PROLOG).append("<Response>");

  static Twiml response() {
    return new Twiml();
  }

  Twiml say(String text) {
    xml.append("<Say>").append(escape(text)).append("</Say>");
    return this;
  }

  Twiml hangup() {
    xml.append("<Hangup/>");
    return this;
  }

  /** Opens a verb with attributes (name, value pairs; null values are left out). */
  Twiml open(String verb, String... attributes) {
    xml.append('<').append(verb);
    attrs(attributes);
    xml.append('>');
    return this;
  }

  Twiml close(String verb) {
    xml.append("</").append(verb).append('>');
    return this;
  }

  /** A verb with no content. */
  Twiml empty(String verb, String... attributes) {
    xml.append('<').append(verb);
    attrs(attributes);
    xml.append("/>");
    return this;
  }

  /** A noun with text content, such as {@code <Number>+1…</Number>}. */
  Twiml noun(String name, String text) {
    xml.append('<').append(name).append('>').append(escape(text)).append("</").append(name).append('>');
    return this;
  }

  String build() {
    return xml + "</Response>";
  }

  private void attrs(String[] attributes) {
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      if (attributes[i + 1] != null) xml.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
    }
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') b.append(c);
        }
      }
    }
    return b.toString();
  }

  /**
   * A hook handler whose future yields TwiML ({@code text/xml}) or "" (an empty 200). Failures answer in the API's
   * error shape; a message for a number no endpoint has is a 404.
   */
  static Handler<RoutingContext> handler(Function<RoutingContext, Future<String>> handler) {
    return ctx -> {
      Future<String> f;
      try {
        f = handler.apply(ctx);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (ctx.response().ended()) return;
        if (ar.failed()) {
          Throwable t = ar.cause() instanceof UnknownEndpoint u ? ApiError.notFound("phone number " + u.address) : ar.cause();
          if (t instanceof ApiError e && (e.status == 400 || e.status == 413)) {
            log.info("{} refused: {}{}", ctx.request().path(), e.getMessage(), e.field == null ? "" : " (" + e.field + ")");
          }
          Rest.fail(ctx, t);
        } else if (ar.result() == null || ar.result().isEmpty()) {
          ctx.response().setStatusCode(200).end();
        } else {
          ctx.response().setStatusCode(200).putHeader("Content-Type", "text/xml").end(ar.result());
        }
      });
    };
  }
}
