package io.switchboard.channel.telephony;

import io.switchboard.testing.TestHub;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends webhooks to a hub as the provider does: form-encoded, signed the documented way (the public URL, then each
 * parameter name and value sorted by name, HMAC-SHA1 with the auth token, Base64). The signing here is written
 * independently of the hub's validator, with javax.crypto.
 */
final class TwilioWebhooks {

  /** The public URL the test hubs are configured with; providers sign against it, not against 127.0.0.1. */
  static final String PUBLIC = "https://hub.example.com";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final TestHub hub;

  TwilioWebhooks(TestHub hub) {
    this.hub = hub;
  }

  static String sign(String token, String url, Map<String, String> params) {
    try {
      StringBuilder data = new StringBuilder(url);
      new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parameters in order, from name/value pairs. */
  static Map<String, String> params(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] != null) m.put(pairs[i], pairs[i + 1]);
    return m;
  }

  /** Posts signed with the token over the public URL of the path. */
  HttpResponse<String> post(String path, String token, Map<String, String> params) {
    return postSigned(path, params, sign(token, PUBLIC + path, params));
  }

  /** Posts with the given signature header (null: none). */
  HttpResponse<String> postSigned(String path, Map<String, String> params, String signature) {
    List<String> pairs = new ArrayList<>();
    params.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs)));
    if (signature != null) b.header("X-Twilio-Signature", signature);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
