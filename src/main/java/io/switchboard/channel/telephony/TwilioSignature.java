package io.switchboard.channel.telephony;

import io.switchboard.auth.Secrets;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Twilio's webhook signature ({@code X-Twilio-Signature}), as its security documentation and official libraries
 * define it: the full URL Twilio called, then for a form POST every parameter name followed by its value, sorted by
 * name (a repeated name contributes each distinct value, sorted, as the official libraries do), HMAC-SHA1 with the
 * account's auth token, Base64. A JSON body is not signed itself: the URL carries {@code bodySHA256} (hex SHA-256 of
 * the body) and only the URL is signed. Like Twilio's libraries, the URL is also accepted with its port removed or the scheme's default port
 * added, since proxies and Twilio disagree about writing {@code :443}.
 */
final class TwilioSignature {

  private TwilioSignature() {
  }

  /** The signature of a request to {@code url} with these form parameters (null or empty for a JSON body). */
  static String compute(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    if (params != null) {
      for (Map.Entry<String, List<String>> e : new TreeMap<>(params).entrySet()) {
        e.getValue().stream().distinct().sorted().forEach(v -> data.append(e.getKey()).append(v));
      }
    }
    byte[] mac = Secrets.hmac("HmacSHA1", authToken.getBytes(StandardCharsets.UTF_8), data.toString().getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(mac);
  }

  /** Whether {@code signature} signs a form request (or, with null params, a URL) under one of the URL's spellings. */
  static boolean valid(String authToken, String url, Map<String, List<String>> params, String signature) {
    if (authToken == null || authToken.isEmpty() || signature == null || signature.isEmpty()) return false;
    boolean ok = false;
    // every variant is computed and compared, so timing says nothing about which one matched
    for (String candidate : urlVariants(url)) {
      ok |= Secrets.constantTimeEquals(compute(authToken, candidate, params), signature);
    }
    return ok;
  }

  /** For a JSON body: the URL's {@code bodySHA256} must be the body's hash, and the URL alone is signed. */
  static boolean validJson(String authToken, String url, byte[] body, String signature) {
    String expected = queryParam(url, "bodySHA256");
    if (expected == null) return false;
    String actual;
    try {
      actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    boolean bodyOk = Secrets.constantTimeEquals(actual, expected.toLowerCase(java.util.Locale.ROOT));
    return valid(authToken, url, null, signature) & bodyOk;
  }

  /** The URL as given, without its port, and with the scheme's default port. */
  static List<String> urlVariants(String url) {
    Set<String> out = new LinkedHashSet<>();
    out.add(url);
    try {
      URI u = new URI(url);
      if (u.getHost() != null && u.getScheme() != null) {
        out.add(rebuild(u, -1));
        int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
        if (u.getPort() == -1 && defaultPort != -1) out.add(rebuild(u, defaultPort));
      }
    } catch (URISyntaxException e) {
      // not a URL we can respell: only the given form is tried
    }
    return new ArrayList<>(out);
  }

  private static String rebuild(URI u, int port) {
    StringBuilder b = new StringBuilder(u.getScheme()).append("://");
    if (u.getRawUserInfo() != null) b.append(u.getRawUserInfo()).append('@');
    b.append(u.getHost());
    if (port != -1) b.append(':').append(port);
    if (u.getRawPath() != null) b.append(u.getRawPath());
    if (u.getRawQuery() != null) b.append('?').append(u.getRawQuery());
    if (u.getRawFragment() != null) b.append('#').append(u.getRawFragment());
    return b.toString();
  }

  private static String queryParam(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) return null;
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) return pair.substring(eq + 1);
    }
    return null;
  }
}
