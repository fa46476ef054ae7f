package io.switchboard.channel.email;

import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;

import java.util.Set;

/**
 * The account blocks of an email endpoint's settings: {@code smtp} (outgoing) and {@code imap} (a connected
 * mailbox), each {@code {host, port, security: tls|starttls|none, username}} with {@code password} or
 * {@code oauth2_token} (XOAUTH2) kept as secrets; {@code imap} also has {@code folder} and {@code sent_folder}.
 * A top-level {@code oauth2} block makes both sign in with access tokens it refreshes ({@link OAuthTokens}).
 * A top-level {@code reply_to_token: false} leaves the {@code Reply-To: local+token@} header off replies.
 */
public final class EmailSettings {

  private static final Set<String> SECURITY = Set.of("tls", "starttls", "none");

  /**
   * A mail server account; {@code password}, a fixed {@code oauth2Token}, tokens refreshed from the endpoint's
   * {@code oauth2} block ({@code refreshed}), or none of them, for a relay that trusts us.
   */
  record Account(String host, int port, String security, String username, String password, String oauth2Token,
                 boolean refreshed) {

    boolean oauth2() {
      return refreshed || oauth2Token != null && !oauth2Token.isBlank();
    }

    /** This account signing in with the access token {@code token}. */
    Account withToken(String token) {
      return new Account(host, port, security, username, password, token, refreshed);
    }

    String secret() {
      return oauth2() ? oauth2Token : password;
    }

    /** The mail client's settings for sending through this account, greeting as {@code ownHostname}. */
    MailConfig mailConfig(String ownHostname) {
      MailConfig config = new MailConfig()
          .setHostname(host)
          .setPort(port)
          .setSsl(security.equals("tls"))
          .setStarttls(security.equals("starttls") ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
          .setOwnHostname(ownHostname)
          .setConnectTimeout(10_000)
          .setUserAgent("Switchboard");
      if (username != null && !username.isBlank()) {
        config.setLogin(oauth2() ? LoginOption.XOAUTH2 : LoginOption.REQUIRED).setUsername(username).setPassword(secret());
        if (oauth2()) config.setAuthMethods("XOAUTH2");
      } else {
        config.setLogin(LoginOption.DISABLED);
      }
      return config;
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
        ep.secret(block + ".oauth2_token"), OAuthTokens.configured(ep));
  }

  /** Checks the email blocks of endpoint settings (after secrets were split off); a 400 naming the problem. */
  public static void validate(JsonObject settings, JsonObject secrets) {
    boolean oauth2 = validateOAuth2(settings, secrets);
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
      boolean credentials = secret.getValue("password") instanceof String || secret.getValue("oauth2_token") instanceof String
          || oauth2;
      if (block.equals("imap") && (!(b.getValue("username") instanceof String u) || u.isBlank() || !credentials)) {
        throw invalid("imap needs username and password (or oauth2_token, or an oauth2 block)");
      }
      if (block.equals("smtp") && credentials && !(b.getValue("username") instanceof String)) {
        throw invalid("smtp.username is required with a password, oauth2_token or an oauth2 block");
      }
    }
    Object token = settings.getValue("reply_to_token");
    if (token != null && !(token instanceof Boolean)) throw invalid("reply_to_token must be true or false");
  }

  /** The optional {@code oauth2} block: where and how to refresh access tokens; true when present. */
  private static boolean validateOAuth2(JsonObject settings, JsonObject secrets) {
    Object v = settings.getValue("oauth2");
    if (v == null) return false;
    if (!(v instanceof JsonObject o)) throw invalid("oauth2 must be an object");
    if (!(o.getValue("token_url") instanceof String url) || url.length() > 500
        || !(url.startsWith("https://") || url.startsWith("http://")) || url.contains(" ")) {
      throw invalid("oauth2.token_url (the provider's token endpoint, e.g. https://oauth2.googleapis.com/token) is required");
    }
    if (!(o.getValue("client_id") instanceof String id) || id.isBlank() || id.length() > 500) {
      throw invalid("oauth2.client_id is required");
    }
    Object scope = o.getValue("scope");
    if (scope != null && !(scope instanceof String s && s.length() <= 1000)) throw invalid("oauth2.scope must be a string");
    JsonObject secret = secrets.getJsonObject("oauth2", new JsonObject());
    if (!(secret.getValue("refresh_token") instanceof String t) || t.isBlank()) {
      throw invalid("oauth2.refresh_token (granted when the mailbox was connected) is required");
    }
    Object clientSecret = secret.getValue("client_secret");
    if (clientSecret != null && !(clientSecret instanceof String)) throw invalid("oauth2.client_secret must be a string");
    return true;
  }

  private static ApiError invalid(String message) {
    return ApiError.validation("settings", "settings." + message);
  }
}
