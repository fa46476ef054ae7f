package io.switchboard.http;

import io.vertx.core.http.HttpServerRequest;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address of the client behind a request. Behind a load balancer every connection comes from the balancer, so
 * per-client limits (sign-in attempts) would lump all users together; when the peer is one of
 * {@code http.trusted_proxies} (addresses or CIDR ranges), the client is the right-most address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy. Untrusted peers cannot claim another address.
 */
public final class ClientAddress {

  /** Only literals are parsed, so a configured name or a forged header never causes a DNS lookup. */
  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] a) {
      if (a.length != network.length) return false;
      int shift = network.length * 8 - bits;
      return new BigInteger(1, a).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }
  }

  private final List<Range> trusted = new ArrayList<>();

  /** {@code proxies}: entries like {@code 10.0.0.5}, {@code 10.0.0.0/8} or {@code fd00::/8}; a bad entry is refused. */
  public ClientAddress(List<String> proxies) {
    for (String p : proxies) {
      String entry = p.trim();
      if (entry.isEmpty()) continue;
      String[] parts = entry.split("/", 2);
      byte[] address = parse(parts[0]);
      if (address == null) throw new IllegalArgumentException("http.trusted_proxies: " + entry + " is not an IP address or CIDR range");
      int bits = address.length * 8;
      if (parts.length == 2) {
        if (!parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) > bits) {
          throw new IllegalArgumentException("http.trusted_proxies: " + entry + " has a bad prefix length");
        }
        bits = Integer.parseInt(parts[1]);
      }
      trusted.add(new Range(address, bits));
    }
  }

  public String of(HttpServerRequest req) {
    return resolve(req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), req.headers().getAll("X-Forwarded-For"));
  }

  /** The client, from the connection's peer and the X-Forwarded-For headers it sent (in order). */
  String resolve(String peer, List<String> forwardedFor) {
    if (peer == null || trusted.isEmpty() || !isTrusted(peer)) return peer;
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) hops.add(hop.trim());
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (parse(hop) == null) break; // a malformed hop: trust nothing further left
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return client;
  }

  private boolean isTrusted(String address) {
    byte[] a = parse(address);
    if (a == null) return false;
    for (Range r : trusted) if (r.contains(a)) return true;
    return false;
  }

  private static byte[] parse(String s) {
    if (s == null || !LITERAL.matcher(s).matches() || (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) return null;
    try {
      byte[] a = InetAddress.getByName(s).getAddress();
      // an IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) counts as its IPv4 address
      if (a.length == 16 && isMappedV4(a)) return java.util.Arrays.copyOfRange(a, 12, 16);
      return a;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isMappedV4(byte[] a) {
    for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }
}
