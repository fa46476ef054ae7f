package io.switchboard.sandbox;

import io.switchboard.auth.Secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The signatures the simulator puts on what it sends the hub, computed as each provider documents them. */
final class Signing {

  private Signing() {
  }

  /** X-Twilio-Signature: Base64 HMAC-SHA1(auth token, URL + every parameter name and value, sorted by name). */
  static String twilio(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    for (Map.Entry<String, List<String>> e : new TreeMap<>(params).entrySet()) {
      e.getValue().stream().sorted().forEach(v -> data.append(e.getKey()).append(v));
    }
    return Base64.getEncoder().encodeToString(Secrets.hmac("HmacSHA1", authToken.getBytes(StandardCharsets.UTF_8),
        data.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** X-Hub-Signature-256: {@code sha256=} hex HMAC-SHA256(app secret, raw body). */
  static String meta(String appSecret, byte[] body) {
    return "sha256=" + Secrets.hmacSha256Hex(appSecret, body);
  }

  /** Whether the text asks the simulator to fail the message: it contains {@link Sandbox#FAIL_MARKER}, in any case. */
  static boolean asksToFail(String text) {
    return text != null && text.toLowerCase(java.util.Locale.ROOT).contains(Sandbox.FAIL_MARKER);
  }
}
