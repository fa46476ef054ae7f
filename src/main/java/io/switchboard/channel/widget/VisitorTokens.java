package io.switchboard.channel.widget;

import io.switchboard.auth.Secrets;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Who a visitor is, proven two ways, both with the widget's own secret (so nothing one widget signs is accepted by
 * another):
 * <ul>
 *   <li>an anonymous visitor holds a visitor token {@code v1.<payload>.<mac>} the hub issued: payload
 *   {@code {"w":<endpoint id>,"v":"v_…"}}, mac = HMAC-SHA256(widget secret, "visitor-token." + payload);</li>
 *   <li>a site's logged-in user is identified by {@code identifier} and {@code identifier_hash} = hex
 *   HMAC-SHA256(widget secret, identifier), computed by the site's server.</li>
 * </ul>
 */
final class VisitorTokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern HEX64 = Pattern.compile("^[0-9a-fA-F]{64}$");
  private static final String PREFIX = "v1.";

  private VisitorTokens() {
  }

  /** A new anonymous visitor address. */
  static String newVisitor() {
    return "v_" + Secrets.token(16);
  }

  static String issue(Endpoint ep, String visitor) {
    String payload = B64.encodeToString(new JsonObject().put("w", ep.id()).put("v", visitor).encode()
        .getBytes(StandardCharsets.UTF_8));
    return PREFIX + payload + "." + mac(ep, "visitor-token." + payload);
  }

  /** The visitor address a token names, or null when it is malformed, forged or issued by another widget. */
  static String verify(Endpoint ep, String token) {
    if (token == null || token.length() > 512 || !token.startsWith(PREFIX)) return null;
    String rest = token.substring(PREFIX.length());
    int dot = rest.indexOf('.');
    if (dot <= 0) return null;
    String payload = rest.substring(0, dot);
    String given = rest.substring(dot + 1);
    String expected = mac(ep, "visitor-token." + payload);
    if (expected == null || !Secrets.constantTimeEquals(given, expected)) return null;
    try {
      JsonObject p = new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
      Long widget = p.getLong("w");
      String visitor = p.getString("v");
      if (widget == null || widget != ep.id() || visitor == null || !visitor.startsWith("v_")) return null;
      return visitor;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** True when {@code hash} is hex HMAC-SHA256(widget secret, identifier); compared in constant time. */
  static boolean identityValid(Endpoint ep, String identifier, String hash) {
    String secret = ep.secret("secret");
    if (secret == null || identifier == null || hash == null || !HEX64.matcher(hash).matches()) return false;
    byte[] expected = Secrets.hmac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), identifier.getBytes(StandardCharsets.UTF_8));
    return MessageDigest.isEqual(expected, HexFormat.of().parseHex(hash));
  }

  /** Signature for a visitor's link to one attachment of their conversation. */
  static String fileSignature(Endpoint ep, long attachmentId) {
    return mac(ep, "file." + attachmentId);
  }

  /** HMAC-SHA256 with the widget secret over a labelled input, so a token can never pass for a file link. */
  private static String mac(Endpoint ep, String labelled) {
    String secret = ep.secret("secret");
    if (secret == null) return null;
    return B64.encodeToString(Secrets.hmac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8),
        labelled.getBytes(StandardCharsets.UTF_8)));
  }
}
