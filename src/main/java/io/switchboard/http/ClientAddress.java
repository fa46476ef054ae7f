package io.switchboard.http;

import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client behind a request. Behind a load balancer every connection comes from the balancer, so
 * per-client limits (sign-in attempts) would lump all users together; when the peer is one of
 * {@code http.trusted_proxies} (addresses or CIDR ranges), the client is the right-most address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy. Untrusted peers cannot claim another address.
 */
public final class ClientAddress {

  private final AddressRanges trusted;

  /** {@code proxies}: entries like {@code 10.0.0.5}, {@code 10.0.0.0/8} or {@code fd00::/8}; a bad entry is refused. */
  public ClientAddress(List<String> proxies) {
    this.trusted = new AddressRanges("http.trusted_proxies", proxies);
  }

  public String of(HttpServerRequest req) {
    return resolve(req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), req.headers().getAll("X-Forwarded-For"));
  }

  /** The client, from the connection's peer and the X-Forwarded-For headers it sent (in order). */
  String resolve(String peer, List<String> forwardedFor) {
    if (peer == null || trusted.isEmpty() || !trusted.contains(peer)) return peer;
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) hops.add(hop.trim());
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (AddressRanges.parse(hop) == null) break; // a malformed hop: trust nothing further left
      client = hop;
      if (!trusted.contains(hop)) break;
    }
    return client;
  }
}
