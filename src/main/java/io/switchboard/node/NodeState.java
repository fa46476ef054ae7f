package io.switchboard.node;

/** Where the node is in its life: the ports it bound (0 until bound), and whether it takes traffic. */
public final class NodeState {

  private volatile int httpPort;
  private volatile int smtpPort;
  private volatile int sandboxSmtpPort;
  private volatile String loopbackHost = "127.0.0.1";
  private volatile boolean ready = true;

  public int httpPort() {
    return httpPort;
  }

  public void httpPort(int port) {
    httpPort = port;
  }

  public int smtpPort() {
    return smtpPort;
  }

  public void smtpPort(int port) {
    smtpPort = port;
  }

  /** The port of the sandbox's SMTP sink on the loopback interface (0 until bound). */
  public int sandboxSmtpPort() {
    return sandboxSmtpPort;
  }

  public void sandboxSmtpPort(int port) {
    sandboxSmtpPort = port;
  }

  /** The address this node's own HTTP server is reached at from the node itself: {@code http.host}, or 127.0.0.1 when that is any address. */
  public void loopbackHost(String host) {
    loopbackHost = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
        ? "127.0.0.1" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** This node's own HTTP server as seen from the node itself, e.g. {@code http://127.0.0.1:8080} (no trailing slash). */
  public String loopbackUrl() {
    return "http://" + loopbackHost + ":" + httpPort;
  }

  /** False once shutting down: /ready answers 503 before anything stops. */
  public boolean ready() {
    return ready;
  }

  public void draining() {
    ready = false;
  }
}
