package io.switchboard.channel.telephony;

import io.switchboard.attachment.AttachmentStore;
import io.switchboard.http.Files;
import io.switchboard.node.Node;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Links through which the provider fetches the attachments of an outgoing MMS, since it cannot sign in:
 * {@code /hooks/twilio/media/{endpoint id}/{attachment id}/{expires}/{signature}}. The signature is the Base64url
 * HMAC-SHA256 of {@code "twilio-media:<endpoint>:<attachment>:<expires>"} with the sending number's auth token, so a
 * link opens only the file it names, only until {@code expires} (Unix seconds, {@code twilio.media_link_ttl_seconds}
 * after the send), and dies when the token is rotated. The file must belong to a message sent from that number.
 */
final class MediaLinks {

  static final String ROUTE = "/twilio/media/:endpoint/:attachment/:expires/:sig";

  private final Node node;
  private final AttachmentStore attachments;
  private final String publicUrl;
  private final long ttlSeconds;

  MediaLinks(Node node, AttachmentStore attachments) {
    this.attachments = attachments;
    this.node = node;
    this.publicUrl = node.config().http().publicUrl();
    this.ttlSeconds = node.config().twilio().mediaLinkTtlSeconds();
  }

  String url(Endpoint from, long attachmentId) {
    long expires = Instant.now().getEpochSecond() + ttlSeconds;
    String sig = sign(from.secret("auth_token"), from.id(), attachmentId, expires);
    return publicUrl + "/hooks/twilio/media/" + from.id() + "/" + attachmentId + "/" + expires + "/" + sig;
  }

  static String sign(String token, long endpointId, long attachmentId, long expires) {
    byte[] mac = Secrets.hmac("HmacSHA256", token.getBytes(StandardCharsets.UTF_8),
        ("twilio-media:" + endpointId + ":" + attachmentId + ":" + expires).getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
  }

  void serve(RoutingContext ctx) {
    long endpointId;
    long attachmentId;
    long expires;
    try {
      endpointId = Long.parseLong(ctx.pathParam("endpoint"));
      attachmentId = Long.parseLong(ctx.pathParam("attachment"));
      expires = Long.parseLong(ctx.pathParam("expires"));
    } catch (NumberFormatException e) {
      Rest.fail(ctx, ApiError.notFound("media"));
      return;
    }
    String sig = ctx.pathParam("sig");
    Files.sendFound(ctx, attachments.file(Endpoints.byId(node.db().pool(), endpointId).compose(ep -> {
      if (ep == null || !ep.channel().equals("phone") || ep.secret("auth_token") == null
          || !Secrets.constantTimeEquals(sign(ep.secret("auth_token"), endpointId, attachmentId, expires), sig)) {
        throw ApiError.forbidden("this media link is not valid");
      }
      if (expires < Instant.now().getEpochSecond()) throw ApiError.forbidden("this media link has expired");
      return node.db().one("""
          SELECT x.id, x.sha256, x.content_type, x.filename, x.status FROM attachment x JOIN activity a ON a.id = x.activity_id
          WHERE x.id = $1 AND a.endpoint_id = $2 AND x.status = 'stored'""", attachmentId, endpointId);
    })), Files.Served.PROVIDER, "media");
  }
}
