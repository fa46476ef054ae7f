package io.switchboard.ingest;

/** A message addressed to no endpoint of this hub: refused (HTTP 404, SMTP 550), nothing stored. */
public final class UnknownEndpoint extends RuntimeException {

  public final String channel;
  public final String address;

  public UnknownEndpoint(String channel, String address) {
    super("no " + channel + " endpoint has the address " + address, null, false, false);
    this.channel = channel;
    this.address = address;
  }
}
