package io.switchboard.node;

/** Where the node is in its life: the ports it bound (0 until bound), and whether it takes traffic. */
public final class NodeState {

  private volatile int httpPort;
  private volatile int smtpPort;
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

  /** False once shutting down: /ready answers 503 before anything stops. */
  public boolean ready() {
    return ready;
  }

  public void draining() {
    ready = false;
  }
}
