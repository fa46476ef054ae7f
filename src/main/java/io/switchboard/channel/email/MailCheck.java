package io.switchboard.channel.email;

import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The connection test of an e-mail endpoint: its IMAP mailbox (connect, encryption, login, the inbox folder exists)
 * and its SMTP server (connect, EHLO, STARTTLS, AUTH; no mail is sent), each on a worker thread with
 * {@link #TIMEOUT_MS} per network step, and an address without a mailbox told how mail reaches it through this hub's
 * own SMTP listener. Messages name hosts, ports and user names, never a password or token.
 */
final class MailCheck {

  static final int TIMEOUT_MS = 10_000;

  private final Node node;

  MailCheck(Node node) {
    this.node = node;
  }

  /** Where mail for an address without a mailbox arrives: this hub's listener; {@code {host, port}} words. */
  static String listenerWords(Node node) {
    return "Receives mail through this hub's SMTP listener on port " + node.state().smtpPort()
        + ": point the domain's MX, or a forwarding rule, at " + listenerHost(node) + ".";
  }

  /** The name the listener is reached by: {@code smtp.hostname}, else the host of {@code http.public_url}. */
  static String listenerHost(Node node) {
    String h = node.config().smtp().hostname();
    if (h != null && !h.isBlank()) return h.trim();
    try {
      String host = java.net.URI.create(node.config().http().publicUrl()).getHost();
      if (host != null) return host;
    } catch (IllegalArgumentException ignored) {
      // a public URL that is not a URL: fall back to the machine's name
    }
    return SmtpServer.localName();
  }

  Future<ConnectionReport> test(Endpoint ep) {
    EmailSettings.Account imap = EmailSettings.imap(ep);
    EmailSettings.Account smtp = EmailSettings.smtp(ep);
    Future<String> token;
    ConnectionReport oauth = new ConnectionReport();
    if ((imap != null || smtp != null) && OAuthTokens.configured(ep)) {
      // a tokens cache of its own: a test never changes what the poller and the sender hold
      token = new OAuthTokens(node).token(ep)
          .onSuccess(t -> oauth.add("OAuth2 token", true, "The token endpoint " + ep.setting("oauth2.token_url")
              + " gave an access token for the refresh token."))
          .recover(t -> {
            oauth.add("OAuth2 token", false, "No access token: " + t.getMessage() + ".");
            return Future.succeededFuture(null);
          });
    } else {
      token = Future.succeededFuture(null);
    }
    return token.compose(accessToken -> {
      if (OAuthTokens.configured(ep) && accessToken == null && (imap != null || smtp != null)) return Future.succeededFuture(oauth);
      Future<ConnectionReport> in = imap == null
          ? Future.succeededFuture(ConnectionReport.of("Receiving", true, listenerWords(node)))
          : node.vertx().executeBlocking(() -> imap(ep, withToken(imap, accessToken)), false);
      Future<ConnectionReport> out = smtp == null
          ? Future.succeededFuture(ConnectionReport.of("Sending", false, "No outgoing mail server: agents cannot reply from "
              + ep.address() + " until the SMTP server is filled in."))
          : node.vertx().executeBlocking(() -> smtp(withToken(smtp, accessToken)), false);
      return Future.join(in, out).transform(ar -> Future.succeededFuture(
          new ConnectionReport().addAll(oauth).addAll(orFailed(in, "IMAP")).addAll(orFailed(out, "SMTP"))));
    });
  }

  private static EmailSettings.Account withToken(EmailSettings.Account a, String token) {
    return token == null ? a : a.withToken(token);
  }

  private static ConnectionReport orFailed(Future<ConnectionReport> f, String what) {
    if (f.succeeded()) return f.result();
    return ConnectionReport.of(what, false, "The " + what + " test could not run: " + f.cause().getMessage());
  }

  /** Blocking: connects, signs in and looks for the inbox folder. */
  private ConnectionReport imap(Endpoint ep, EmailSettings.Account a) {
    ConnectionReport t = new ConnectionReport();
    String protocol = a.security().equals("tls") ? "imaps" : "imap";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put(p + "connectiontimeout", String.valueOf(TIMEOUT_MS));
    props.put(p + "timeout", String.valueOf(TIMEOUT_MS));
    props.put(p + "writetimeout", String.valueOf(TIMEOUT_MS));
    if (a.security().equals("starttls")) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (!a.security().equals("none")) props.put(p + "ssl.checkserveridentity", "true");
    if (a.oauth2()) props.put(p + "auth.mechanisms", "XOAUTH2");
    String where = a.host() + ":" + a.port();
    Store store = null;
    try {
      store = Session.getInstance(props).getStore(protocol);
      try {
        store.connect(a.host(), a.port(), a.username(), a.secret() == null ? "" : a.secret());
      } catch (AuthenticationFailedException e) {
        connected(t, "IMAP", where, a.security());
        t.add("IMAP login", false, "The IMAP server refused the login for " + a.username() + ": "
            + (a.oauth2() ? "check the OAuth2 settings and that IMAP access is allowed for the account" : "check the user name and password")
            + serverSays(e) + ".");
        return t;
      } catch (MessagingException e) {
        return unreachable(t, "IMAP", where, a.security(), e);
      }
      connected(t, "IMAP", where, a.security());
      t.add("IMAP login", true, "Signed in as " + a.username() + ".");
      String folder = EmailSettings.inboxFolder(ep);
      Folder f = store.getFolder(folder);
      if (f.exists()) {
        t.add("IMAP folder", true, "The folder " + folder + " exists" + count(f) + ".");
      } else {
        t.add("IMAP folder", false, "There is no folder " + folder + " in this mailbox" + folders(store) + ".");
      }
    } catch (MessagingException e) {
      t.add("IMAP folder", false, "The server failed while looking at the folders: " + e.getMessage());
    } finally {
      close(store);
    }
    return t;
  }

  /** Blocking: connects, greets (EHLO), starts TLS when asked and signs in; sends no mail. */
  private ConnectionReport smtp(EmailSettings.Account a) {
    ConnectionReport t = new ConnectionReport();
    String protocol = a.security().equals("tls") ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    boolean login = a.username() != null && !a.username().isBlank();
    Properties props = new Properties();
    props.put(p + "connectiontimeout", String.valueOf(TIMEOUT_MS));
    props.put(p + "timeout", String.valueOf(TIMEOUT_MS));
    props.put(p + "writetimeout", String.valueOf(TIMEOUT_MS));
    props.put(p + "localhost", listenerHost(node));
    props.put(p + "auth", String.valueOf(login));
    if (a.security().equals("starttls")) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (!a.security().equals("none")) props.put(p + "ssl.checkserveridentity", "true");
    if (a.oauth2()) props.put(p + "auth.mechanisms", "XOAUTH2");
    String where = a.host() + ":" + a.port();
    SMTPTransport transport = null;
    try {
      transport = (SMTPTransport) Session.getInstance(props).getTransport(protocol);
      try {
        if (login) transport.connect(a.host(), a.port(), a.username(), a.secret() == null ? "" : a.secret());
        else transport.connect(a.host(), a.port(), null, null);
      } catch (AuthenticationFailedException e) {
        connected(t, "SMTP", where, a.security());
        t.add("SMTP greeting", true, "The server answered EHLO.");
        t.add("SMTP login", false, "The SMTP server refused the login for " + a.username() + ": "
            + (a.oauth2() ? "check the OAuth2 settings and that SMTP sending is allowed for the account" : "check the user name and password")
            + serverSays(e) + ".");
        return t;
      } catch (MessagingException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("STARTTLS")) {
          t.add("SMTP connection", true, "Connected to " + where + ".");
          t.add("SMTP greeting", true, "The server answered EHLO.");
          t.add("STARTTLS", false, "The server does not offer STARTTLS on port " + a.port()
              + ": choose TLS (usually port 465) or no encryption, as the provider documents.");
          return t;
        }
        return unreachable(t, "SMTP", where, a.security(), e);
      }
      connected(t, "SMTP", where, a.security());
      List<String> offers = new ArrayList<>();
      for (String ext : new String[] {"STARTTLS", "AUTH", "SIZE", "8BITMIME", "SMTPUTF8", "PIPELINING"}) {
        if (transport.supportsExtension(ext)) offers.add(ext.equals("AUTH") ? "AUTH " + transport.getExtensionParameter("AUTH") : ext);
      }
      t.add("SMTP greeting", true, "The server answered EHLO" + (offers.isEmpty() ? "." : " and offers " + String.join(", ", offers) + "."));
      if (!login) {
        t.add("SMTP login", true, "No user name is set: the server must accept mail from this hub without a login (a relay).");
      } else if (!transport.supportsExtension("AUTH")) {
        t.add("SMTP login", false, "The server offers no login (AUTH) on this connection"
            + (a.security().equals("none") ? ": most servers offer it only after STARTTLS or on TLS, so choose one of those." : "."));
      } else {
        t.add("SMTP login", true, "Signed in as " + a.username() + " (no mail was sent).");
      }
    } catch (MessagingException e) {
      t.add("SMTP", false, "The SMTP test failed: " + e.getMessage());
    } finally {
      close(transport);
    }
    return t;
  }

  private static void connected(ConnectionReport t, String what, String where, String security) {
    t.add(what + " connection", true, "Connected to " + where + switch (security) {
      case "tls" -> " over TLS.";
      case "starttls" -> " and switched to TLS (STARTTLS).";
      default -> " without encryption: the password travels in the clear, use TLS or STARTTLS where the server offers it.";
    });
  }

  /** A connection that failed before the login: says whether the name, the port, the time or TLS was the problem. */
  private static ConnectionReport unreachable(ConnectionReport t, String what, String where, String security, MessagingException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    String name = what + " connection";
    if (has(e, UnknownHostException.class)) {
      t.add(name, false, "The host name in " + where + " could not be found: check the server name.");
    } else if (has(e, SocketTimeoutException.class)) {
      t.add(name, false, "No answer from " + where + " within " + TIMEOUT_MS / 1000 + " seconds: check the host and port, or a firewall in between.");
    } else if (has(e, ConnectException.class)) {
      t.add(name, false, "Nothing accepts connections at " + where + ": check the host and port.");
    } else if (has(e, SSLException.class)) {
      t.add(name, true, "Reached " + where + ".");
      t.add(what + " encryption", false, "The TLS handshake failed (" + cause.getMessage() + ")"
          + (security.equals("tls") ? ": is the port one that expects STARTTLS or no encryption instead?" : "."));
    } else {
      t.add(name, false, "Could not talk to " + where + ": " + e.getMessage());
    }
    return t;
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) if (type.isInstance(c)) return true;
    return false;
  }

  private static String serverSays(MessagingException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank() || m.length() > 300) return "";
    return " (the server said: " + m.trim() + ")";
  }

  private static String count(Folder f) {
    try {
      return " and holds " + f.getMessageCount() + " messages";
    } catch (MessagingException e) {
      return "";
    }
  }

  private static String folders(Store store) {
    try {
      List<String> names = new ArrayList<>();
      for (Folder f : store.getDefaultFolder().list("*")) {
        if (names.size() == 10) break;
        names.add(f.getFullName());
      }
      return names.isEmpty() ? "" : " (it has: " + String.join(", ", names) + ")";
    } catch (MessagingException e) {
      return "";
    }
  }

  /** Closes a store or transport after a test; a failure to close says nothing about the settings. */
  private static void close(Service service) {
    if (service == null) return;
    try {
      service.close();
    } catch (MessagingException ignored) {
      // closing after a test
    }
  }
}
