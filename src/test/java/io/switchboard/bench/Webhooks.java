package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The webhooks the benchmark sends, as a provider would send them, built from (message id, number) alone so that the
 * harness, wrk's request files, the load client in its own process and a later redelivery all send the same bytes.
 * Message i of a set goes to endpoint {@code i % endpoints} from sender {@code i % senders}.
 */
final class Webhooks {

  private Webhooks() {
  }

  /** One HTTP request: what wrk replays byte for byte and the Java clients send. */
  record Req(String path, Map<String, String> headers, String body) {
    /** The request as it goes on the wire (HTTP/1.1, keep-alive). */
    String raw(String hostPort) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder s = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(hostPort).append("\r\n");
      headers.forEach((k, v) -> s.append(k).append(": ").append(v).append("\r\n"));
      return s.append("Content-Length: ").append(b.length).append("\r\n\r\n").append(body).toString();
    }
  }

  /** A kind of webhook and the endpoints it goes to. */
  interface Source {
    Req request(String id, int i);

    String channel();
  }

  /** API-channel endpoints ({key, secret}) and a pool of senders named {@code senderPrefix + n}. */
  record Api(List<JsonObject> endpoints, String senderPrefix, int senders) implements Source {
    @Override
    public Req request(String id, int i) {
      JsonObject ep = endpoints.get(i % endpoints.size());
      String from = senderPrefix + (i % senders);
      String body = new JsonObject().put("from", from).put("name", "Bench " + from).put("text", "bench message " + id)
          .put("external_id", id).encode();
      return new Req("/hooks/api/" + ep.getString("key"), Map.of("Authorization", "Bearer " + ep.getString("secret"),
          "Content-Type", "application/json"), body);
    }

    @Override
    public String channel() {
      return "api";
    }

    JsonObject json() {
      JsonArray eps = new JsonArray();
      endpoints.forEach(e -> eps.add(new JsonObject().put("key", e.getString("key")).put("secret", e.getString("secret"))));
      return new JsonObject().put("endpoints", eps).put("sender_prefix", senderPrefix).put("senders", senders);
    }

    static Api of(JsonObject j) {
      List<JsonObject> eps = new ArrayList<>();
      j.getJsonArray("endpoints").forEach(o -> eps.add((JsonObject) o));
      return new Api(eps, j.getString("sender_prefix"), j.getInteger("senders"));
    }
  }

  /**
   * Twilio-style inbound SMS to phone numbers of one account, signed as Twilio signs (its security documentation):
   * the URL it calls, then every form parameter's name and value sorted by name, HMAC-SHA1 with the auth token,
   * Base64. Written here from that description, not with the hub's code, so a mistake in either shows.
   */
  record Sms(String publicUrl, List<String> numbers, String authToken, int senders) implements Source {
    @Override
    public Req request(String id, int i) {
      TreeMap<String, String> params = new TreeMap<>();
      params.put("MessageSid", id);
      params.put("SmsSid", id);
      params.put("AccountSid", "ACbench");
      params.put("From", "+1202555" + (1000 + i % senders));
      params.put("To", numbers.get(i % numbers.size()));
      params.put("Body", "bench sms " + id);
      params.put("NumMedia", "0");
      params.put("NumSegments", "1");
      String path = "/hooks/twilio/sms";
      StringBuilder signed = new StringBuilder(publicUrl + path);
      StringBuilder form = new StringBuilder();
      params.forEach((k, v) -> {
        signed.append(k).append(v);
        if (form.length() > 0) form.append('&');
        form.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      });
      return new Req(path, Map.of("X-Twilio-Signature", hmacSha1Base64(authToken, signed.toString()),
          "Content-Type", "application/x-www-form-urlencoded"), form.toString());
    }

    @Override
    public String channel() {
      return "sms";
    }
  }

  static String hmacSha1Base64(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
