package io.switchboard.config;

import java.util.List;

/**
 * The configuration as typed sections, one per top-level key of {@code conf/switchboard.json}, read once when the
 * configuration is loaded (a wrong type fails the start, not the first request) with URLs normalised once (no
 * trailing slash). Parts of the hub read their section: {@code config.http().publicUrl()}.
 */
public final class Sections {

  private Sections() {
  }

  /** The HTTP server, the public address providers and browsers reach, cookies and proxies. */
  public record Http(String host,
                     int port,
                     String publicUrl,
                     int instances,
                     int bodyLimit,
                     long requestTimeoutMs,
                     List<String> allowedOrigins,
                     List<String> trustedProxies,
                     String cookieSecure) {

    /** Whether session cookies are Secure: {@code auto} means when the public URL is https. */
    public boolean secureCookies() {
      return cookieSecure.equals("auto") ? publicUrl.startsWith("https:") : Boolean.parseBoolean(cookieSecure);
    }
  }

  /** The SMTP listener. */
  public record Smtp(String host,
                     int port,
                     String hostname,
                     long maxMessageBytes,
                     int maxConnections,
                     int maxRecipients,
                     int idleTimeoutSeconds,
                     String tlsCertPath,
                     String tlsKeyPath) {
  }

  /** Mailboxes (IMAP) and the MIME webhook. */
  public record Email(String webhookSigningKey,
                     long webhookMaxAgeSeconds,
                     long imapPollSeconds,
                     long imapIdleSeconds,
                     int imapInitialDays,
                     int imapThreads,
                     long imapTimeoutSeconds) {
  }

  /** Where the node keeps its files. */
  public record Data(String dir) {
  }

  /** The database: an external URL or the embedded PostgreSQL. */
  public record Db(String url,
                     int poolSize,
                     int embeddedPort) {
  }

  /** The inbound write path: group commit and its bounded queue. */
  public record Ingest(int batch,
                     int writers,
                     int queueLimit,
                     long queueTimeoutMs,
                     long timeoutMs) {
  }

  /** The first admin, created on an empty database. */
  public record Admin(String email,
                     String password) {
  }

  /** The key endpoint secrets are sealed with. */
  public record Secrets(String key,
                     String previousKey) {
  }

  /** Sessions, sign-in limits and password hashing. */
  public record Auth(int sessionTtlHours,
                     int loginAttemptsPerMinute,
                     int passwordThreads,
                     int passwordQueue,
                     int inviteTtlHours) {
  }

  /** Agents' live sockets. */
  public record Live(long retentionHours,
                     int resumeLimit,
                     int queueLimit,
                     int maxFrameBytes,
                     int framesPerSecond,
                     int socketsPerUser,
                     long heartbeatSeconds) {
  }

  /** Stored files. */
  public record Attachments(long maxBytes) {
  }

  /** Sending replies: attempts and back-off. */
  public record Outbox(int maxAttempts,
                     long backoffMs,
                     long sendTimeoutMs) {
  }

  /** Timed automation and chatbots. */
  public record Automation(long pollMs,
                     long scheduledGraceSeconds,
                     long scheduledMaxDays,
                     int botRepliesPerMinute) {
  }

  /** Phone numbers. */
  public record Phone(String defaultRegion) {
  }

  /** The telephony provider's API and media. */
  public record Twilio(String apiBase,
                     long apiTimeoutMs,
                     long mediaMaxBytes,
                     long mediaTimeoutMs,
                     long mediaLinkTtlSeconds,
                     int voicemailMaxSeconds) {
  }

  /** Visitors' chat sockets. */
  public record Widget(int maxFrameBytes,
                     int framesPerSecond,
                     int messagesPerMinute,
                     int socketsPerVisitor) {
  }

  /** Meta's Graph API and webhooks. */
  public record Meta(String graphBase,
                     String graphVersion,
                     String appSecret,
                     String verifyToken,
                     long mediaTimeoutMs) {
  }

  /** Who may read /metrics. */
  public record Metrics(String token,
                     List<String> allow) {
  }

  /** Joining other nodes. */
  public record Cluster(boolean enabled,
                     String name,
                     String host,
                     int port,
                     List<String> members,
                     int busPort,
                     int presenceRefreshSeconds) {
  }
}
