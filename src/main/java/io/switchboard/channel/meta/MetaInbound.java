package io.switchboard.channel.meta;

import io.switchboard.channel.MediaFetcher;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.db.Db;
import io.switchboard.common.Failures;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.switchboard.ingest.UnknownEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the WhatsApp and Messenger/Instagram hooks share: counting what a delivery held, storing a message through
 * {@code Ingest} (media fetched first, only for messages not stored yet), and the rule for failures: a database
 * outage stops the delivery (Meta is answered 503 and retries, which dedupe makes safe); anything else is logged
 * with its reason and skipped, so Meta does not retry a payload we will never understand.
 */
abstract class MetaInbound {

  static final Logger log = LoggerFactory.getLogger(MetaChannel.class);

  /** What one POST held; reported in the answer and the log. */
  static final class Tally {
    int stored;
    int duplicates;
    int statuses;
    int skipped;

    JsonObject json() {
      return new JsonObject().put("stored", stored).put("duplicates", duplicates).put("statuses", statuses).put("skipped", skipped);
    }
  }

  /**
   * A file named by the payload, fetched before the message is stored. Without a file name it is named after its
   * kind and type ({@code image.jpg}).
   */
  record MediaRef(String filename, String kind, String contentType, Supplier<Future<MediaFetcher.Fetched>> fetch, String sourceUrl) {
  }

  final Node node;
  final GraphClient graph;
  final Statuses statuses;
  final EndpointCache endpoints;
  final Ingest ingest;
  /** The largest media file fetched for a message. */

  MetaInbound(Node node, GraphClient graph, EndpointCache endpoints, Ingest ingest) {
    this.node = node;
    this.graph = graph;
    this.statuses = new Statuses(node.db());
    this.endpoints = endpoints;
    this.ingest = ingest;
  }

  /** Runs the steps one after another (a payload's order is the conversation's order). */
  static Future<Void> inOrder(List<Supplier<Future<Void>>> steps) {
    Future<Void> f = Future.succeededFuture();
    for (Supplier<Future<Void>> s : steps) f = f.compose(v -> s.get());
    return f;
  }

  /** Lets only a database outage through; logs anything else as skipped. */
  static Future<Void> guard(Future<?> step, Tally tally, String what) {
    return step.<Void>mapEmpty().recover(t -> {
      if (Failures.isUnavailable(t)) return Future.failedFuture(t);
      tally.skipped++;
      if (t instanceof UnknownEndpoint u) log.warn("meta webhook: {} skipped: {}", what, u.getMessage());
      else log.warn("meta webhook: {} skipped: {}", what, t.toString());
      return Future.succeededFuture();
    });
  }

  static void skip(Tally tally, String reason) {
    tally.skipped++;
    log.warn("meta webhook: skipped: {}", reason);
  }

  Future<Endpoint> endpoint(String channel, String address) {
    return endpoints.get(channel, address).compose(ep -> ep == null
        ? Future.failedFuture(new UnknownEndpoint(channel, address)) : Future.succeededFuture(ep));
  }

  /** Stores a message once: a redelivery is counted and costs no media download. */
  Future<Void> store(Endpoint ep, InboundMessage.Builder message, String providerId, List<MediaRef> media, Tally tally) {
    return Db.one(node.db().pool(), "SELECT 1 FROM activity WHERE endpoint_id = $1 AND provider_id = $2", ep.id(), providerId)
        .compose(seen -> {
          if (seen != null) {
            tally.duplicates++;
            return Future.succeededFuture();
          }
          return fetchAll(media).compose(files -> {
            files.forEach(message::attachment);
            return ingest.ingest(message.build()).map(r -> {
              if (r.duplicate()) tally.duplicates++;
              else tally.stored++;
              return null;
            });
          });
        });
  }

  /** A file that cannot be fetched is kept as a failed attachment, with the reason; the message is stored anyway. */
  private Future<List<InboundMessage.Attachment>> fetchAll(List<MediaRef> media) {
    List<InboundMessage.Attachment> out = new ArrayList<>();
    Future<Void> f = Future.succeededFuture();
    for (MediaRef m : media) {
      f = f.compose(v -> m.fetch().get().transform(ar -> {
        if (ar.succeeded()) {
          String type = m.contentType() != null ? m.contentType() : ar.result().contentType();
          String name = m.filename() != null ? m.filename() : filename(m.kind(), type);
          out.add(new InboundMessage.Attachment(name, clean(type), ar.result().bytes(), null, false, m.sourceUrl(), null));
        } else {
          String name = m.filename() != null ? m.filename() : filename(m.kind(), m.contentType());
          log.warn("meta webhook: media {} could not be fetched: {}", name, ar.cause().getMessage());
          out.add(new InboundMessage.Attachment(name, clean(m.contentType()), null, null, false, m.sourceUrl(),
              "could not be fetched: " + ar.cause().getMessage()));
        }
        return Future.succeededFuture();
      }));
    }
    return f.map(out);
  }

  static String clean(String contentType) {
    if (contentType == null || contentType.isBlank()) return "application/octet-stream";
    return contentType.split(";")[0].trim().toLowerCase();
  }

  /** A file name for media that came without one: the kind and an extension from the type. */
  static String filename(String kind, String contentType) {
    String type = clean(contentType);
    String ext = type.substring(type.indexOf('/') + 1);
    ext = switch (ext) {
      case "jpeg" -> "jpg";
      case "mpeg" -> "mp3";
      case "octet-stream" -> "bin";
      case "plain" -> "txt";
      default -> ext.replaceAll("[^a-z0-9]", "");
    };
    return kind + "." + (ext.isEmpty() ? "bin" : ext);
  }
}
