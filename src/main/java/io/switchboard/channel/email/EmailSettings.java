package io.switchboard.channel.email;

import io.switchboard.http.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The account blocks of an email endpoint's settings: {@code smtp} (outgoing) and {@code imap} (a connected
 * mailbox), each {@code {host, port, security: tls|starttls|none, username}} with {@code password} or
 * {@code oauth2_token} (XOAUTH2) kept as secrets; {@code imap} also has {@code folder} and {@code sent_folder}.
 * A top-level {@code reply_to_token: false} leaves the {@code Reply-To: local+token@} header off replies.
 */
public final class EmailSettings {

  private static final Set<String> SECURITY = Set.of("tls", "starttls", "none");

  /** A mail server account; {@code password} or {@code oauth2Token} (or neither, for a relay that trusts us). */
  record Account(String host, int port, String security, String username, String password, String oauth2Token) {

    boolean oauth2() {
      return oauth2Token != null && !oauth2Token.isBlank();
    }

    String secret() {
      return oauth2() ? oauth2Token : password;
    }
  }

  private EmailSettings() {
  }

  static Account smtp(Endpoint ep) {
    return account(ep, "smtp", 587, 465, 25);
  }

  static Account imap(Endpoint ep) {
    return account(ep, "imap", 143, 993, 143);
  }

  /** The IMAP folder of incoming mail (default INBOX). */
  static String inboxFolder(Endpoint ep) {
    String f = ep.setting("imap.folder");
    return f == null || f.isBlank() ? "INBOX" : f;
  }

  /** The Sent folder: a name, "" to find it by its \Sent attribute or usual name, or "none". */
  static String sentFolder(Endpoint ep) {
    String f = ep.setting("imap.sent_folder");
    return f == null ? "" : f.trim();
  }

  static boolean replyToToken(Endpoint ep) {
    return !"false".equals(ep.setting("reply_to_token"));
  }

  private static Account account(Endpoint ep, String block, int starttlsPort, int tlsPort, int plainPort) {
    String host = ep.setting(block + ".host");
    if (host == null || host.isBlank()) return null;
    String security = ep.setting(block + ".security");
    if (security == null || !SECURITY.contains(security)) security = block.equals("imap") ? "tls" : "starttls";
    String port = ep.setting(block + ".port");
    int p = port == null ? switch (security) {
      case "tls" -> tlsPort;
      case "starttls" -> starttlsPort;
      default -> plainPort;
    } : Integer.parseInt(port);
    return new Account(host.trim(), p, security, ep.setting(block + ".username"), ep.secret(block + ".password"),
        ep.secret(block + ".oauth2_token"));
  }

  /** Checks the email blocks of endpoint settings (after secrets were split off); a 400 naming the problem. */
  public static void validate(JsonObject settings, JsonObject secrets) {
    for (String block : new String[] {"smtp", "imap"}) {
      Object v = settings.getValue(block);
      if (v == null) continue;
      if (!(v instanceof JsonObject b)) throw invalid(block + " must be an object");
      Object host = b.getValue("host");
      if (!(host instanceof String h) || h.isBlank() || h.length() > 255 || h.contains(" ")) {
        throw invalid(block + ".host (the mail server's name) is required");
      }
      Object port = b.getValue("port");
      if (port != null && !(port instanceof Number n && n.intValue() == n.doubleValue() && n.intValue() > 0 && n.intValue() < 65536)) {
        throw invalid(block + ".port must be a port number");
      }
      Object security = b.getValue("security");
      if (security != null && !(security instanceof String s && SECURITY.contains(s))) {
        throw invalid(block + ".security must be tls, starttls or none");
      }
      for (String text : new String[] {"username", "folder", "sent_folder"}) {
        Object t = b.getValue(text);
        if (t != null && !(t instanceof String s && s.length() <= 255)) throw invalid(block + "." + text + " must be a string");
      }
      JsonObject secret = secrets.getJsonObject(block, new JsonObject());
      boolean credentials = secret.getValue("password") instanceof String || secret.getValue("oauth2_token") instanceof String;
      if (block.equals("imap") && (!(b.getValue("username") instanceof String u) || u.isBlank() || !credentials)) {
        throw invalid("imap needs username and password (or oauth2_token)");
      }
      if (block.equals("smtp") && credentials && !(b.getValue("username") instanceof String)) {
        throw invalid("smtp.username is required with a password or oauth2_token");
      }
    }
    Object token = settings.getValue("reply_to_token");
    if (token != null && !(token instanceof Boolean)) throw invalid("reply_to_token must be true or false");
  }

  private static ApiError invalid(String message) {
    return ApiError.validation("settings", "settings." + message);
  }
}
