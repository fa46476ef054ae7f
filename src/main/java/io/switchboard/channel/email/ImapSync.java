package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.switchboard.common.Failures;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.IngestResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.FolderClosedException;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.ReceivedDateTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One connected mailbox, read over IMAP with Jakarta Mail (Eclipse Angus). Blocking: every method runs on an IMAP
 * worker thread, never an event loop. A cycle imports what is new in the inbox folder and the Sent folder (as
 * outbound activities), then waits in IDLE when the server offers it. Per folder, UIDVALIDITY and the last
 * imported UID are kept in PostgreSQL, so a restart neither repeats nor misses mail; when UIDVALIDITY changes the
 * recent mails are matched again by Message-ID. A mail that cannot be imported is recorded and skipped.
 */
final class ImapSync {

  private static final Logger log = LoggerFactory.getLogger(ImapSync.class);

  /** Told when a cycle has read everything new, just before it waits in IDLE (when {@code idle}). */
  interface Listener {
    void synced(boolean idle);
  }

  private static final String[] SENT_NAMES = {"Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail",
      "INBOX.Sent", "INBOX/Sent"};

  private final Node node;
  private final MailIntake intake;
  private final OAuthTokens tokens;
  private final Endpoint ep;
  private final EmailSettings.Account account;
  private final Listener listener;
  private final long maxBytes;
  private Store store;
  private String sentFolder;
  private boolean sentResolved;
  private volatile IMAPFolder idling;
  private volatile boolean woken;
  private volatile boolean stopping;

  ImapSync(Node node, MailIntake intake, OAuthTokens tokens, Endpoint ep, Listener listener) {
    this.node = node;
    this.intake = intake;
    this.tokens = tokens;
    this.ep = ep;
    this.account = EmailSettings.imap(ep);
    this.listener = listener;
    this.maxBytes = node.config().smtp().maxMessageBytes();
  }

  /** One round; returns true when it waited in IDLE (so the next round may start at once). */
  boolean cycle() throws Exception {
    connect();
    if (!sentResolved) {
      sentFolder = findSentFolder();
      sentResolved = true;
    }
    if (sentFolder != null && !stopping) sync(sentFolder, "sent", false);
    IMAPFolder inbox = stopping ? null : sync(EmailSettings.inboxFolder(ep), "inbox", true);
    if (inbox == null) return false;
    try {
      boolean idle = ((IMAPStore) store).hasCapability("IDLE");
      woken = false;
      listener.synced(idle);
      if (!idle || stopping) return false;
      idling = inbox;
      try {
        // a wake() that came before IDLE began would be lost inside it
        if (!woken && !stopping) inbox.idle(true);
      } finally {
        idling = null;
      }
      return true;
    } finally {
      if (inbox.isOpen()) inbox.close(false);
    }
  }

  /** Ends a wait in IDLE from another thread: any command on the folder makes the client send DONE. */
  void wake() {
    woken = true;
    IMAPFolder f = idling;
    if (f == null) return;
    try {
      f.doCommand(p -> {
        p.simpleCommand("NOOP", null);
        return null;
      });
    } catch (MessagingException | RuntimeException ignored) {
      // the folder closed meanwhile: the cycle is ending anyway
    }
  }

  void stop() {
    stopping = true;
    wake();
  }

  void close() {
    Store s = store;
    store = null;
    if (s != null) {
      try {
        s.close();
      } catch (MessagingException ignored) {
        // closing a broken connection
      }
    }
  }

  private void connect() throws MessagingException {
    if (store != null && store.isConnected()) return;
    close();
    String protocol = account.security().equals("tls") ? "imaps" : "imap";
    String p = "mail." + protocol + ".";
    long timeout = node.config().email().imapTimeoutSeconds() * 1000;
    Properties props = new Properties();
    props.put(p + "host", account.host());
    props.put(p + "port", String.valueOf(account.port()));
    props.put(p + "connectiontimeout", String.valueOf(timeout));
    // a read in IDLE legitimately waits for the whole idle period
    props.put(p + "timeout", String.valueOf(timeout + node.config().email().imapIdleSeconds() * 1000));
    props.put(p + "peek", "true");
    props.put(p + "fetchsize", "262144");
    if (account.security().equals("starttls")) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (!account.security().equals("none")) props.put(p + "ssl.checkserveridentity", "true");
    if (account.oauth2()) props.put(p + "auth.mechanisms", "XOAUTH2");
    String secret = account.refreshed() ? await(tokens.token(ep)) : account.secret();
    Store s = Session.getInstance(props).getStore(protocol);
    try {
      s.connect(account.host(), account.port(), account.username(), secret);
    } catch (AuthenticationFailedException e) {
      if (account.refreshed()) tokens.rejected(ep);
      throw e;
    }
    store = s;
  }

  private String findSentFolder() throws MessagingException {
    String configured = EmailSettings.sentFolder(ep);
    if (configured.equalsIgnoreCase("none")) return null;
    if (!configured.isEmpty()) return configured;
    for (Folder f : store.getDefaultFolder().list("*")) {
      if (f instanceof IMAPFolder imap && Arrays.asList(imap.getAttributes()).contains("\\Sent")) return f.getFullName();
    }
    for (String name : SENT_NAMES) {
      if (store.getFolder(name).exists()) return name;
    }
    return null;
  }

  /** Imports what is new in one folder; returns it still open when asked (for IDLE), else closed, or null if absent. */
  private IMAPFolder sync(String name, String role, boolean keepOpen) throws Exception {
    IMAPFolder f = (IMAPFolder) store.getFolder(name);
    if (!f.exists()) {
      if (role.equals("inbox")) throw new MessagingException("the folder " + name + " does not exist on the server");
      return null;
    }
    f.open(Folder.READ_ONLY);
    boolean ok = false;
    try {
      long uidValidity = f.getUIDValidity();
      Row state = await(node.db().one("SELECT uidvalidity, last_uid FROM mailbox_folder WHERE endpoint_id = $1 AND folder = $2",
          ep.id(), name));
      if (state != null && state.getLong("uidvalidity") == uidValidity) {
        long last = state.getLong("last_uid");
        List<Message> fresh = new ArrayList<>();
        for (Message m : f.getMessagesByUID(last + 1, UIDFolder.MAXUID)) {
          // "UID n:*" always returns the newest mail, even when its UID is below n
          if (m != null && f.getUID(m) > last) fresh.add(m);
        }
        for (Message m : byUid(f, fresh)) {
          if (stopping) break;
          long uid = f.getUID(m);
          importOne(f, m, name, role, uidValidity, uid);
          savePosition(name, role, uidValidity, uid);
        }
      } else {
        rematch(f, name, role, uidValidity, state == null);
      }
      ok = true;
      return keepOpen ? f : null;
    } finally {
      if ((!ok || !keepOpen) && f.isOpen()) f.close(false);
    }
  }

  /**
   * The first look at a folder, or its UIDs were renumbered: import the recent mails not stored yet (matched by
   * Message-ID), then remember the position. Older mail is history the hub does not import.
   */
  private void rematch(IMAPFolder f, String name, String role, long uidValidity, boolean first) throws Exception {
    long uidNext = f.getUIDNext();
    Instant since = first ? Instant.now().minus(Duration.ofDays(node.config().email().imapInitialDays())) : lastSuccess();
    Message[] found = f.search(new ReceivedDateTerm(ComparisonTerm.GE, Date.from(since)));
    FetchProfile fp = new FetchProfile();
    fp.add(UIDFolder.FetchProfileItem.UID);
    fp.add("Message-ID");
    f.fetch(found, fp);
    List<String> ids = new ArrayList<>();
    for (Message m : found) {
      String id = messageId(m);
      if (id != null) ids.add(id);
    }
    Set<String> known = new HashSet<>();
    if (!ids.isEmpty()) {
      for (Row r : await(node.db().list("SELECT provider_id FROM activity WHERE endpoint_id = $1 AND provider_id = ANY($2)",
          ep.id(), ids.toArray(String[]::new)))) {
        known.add(r.getString(0));
      }
    }
    long highest = uidNext > 0 ? uidNext - 1 : 0;
    for (Message m : byUid(f, Arrays.asList(found))) {
      if (stopping) return;
      long uid = f.getUID(m);
      highest = Math.max(highest, uid);
      String id = messageId(m);
      if (id == null || !known.contains(id)) importOne(f, m, name, role, uidValidity, uid);
    }
    if (uidNext <= 0 && f.getMessageCount() > 0) highest = Math.max(highest, f.getUID(f.getMessage(f.getMessageCount())));
    savePosition(name, role, uidValidity, highest);
  }

  private Instant lastSuccess() {
    Row r = await(node.db().one("SELECT last_success_at FROM mailbox WHERE endpoint_id = $1", ep.id()));
    OffsetDateTime at = r == null ? null : r.getOffsetDateTime(0);
    Instant floor = Instant.now().minus(Duration.ofDays(node.config().email().imapInitialDays()));
    return at == null ? floor : at.toInstant().minus(Duration.ofDays(1));
  }

  /** Stores one mail; failures that are the mail's own are recorded and skipped, connection trouble is thrown. */
  private void importOne(IMAPFolder f, Message m, String folder, String role, long uidValidity, long uid) throws Exception {
    String messageId = null;
    try {
      messageId = messageId(m);
      if (m.getSize() > maxBytes) {
        fail(folder, uidValidity, uid, messageId, "larger than the message limit of " + maxBytes + " bytes");
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, m.getSize()));
      m.writeTo(out);
      JsonObject details = new JsonObject().put("source", "imap").put("imap", new JsonObject()
          .put("folder", folder).put("uid", uid).put("uidvalidity", uidValidity));
      // already on an IMAP worker thread: parse here rather than hand the mail to another worker and wait
      IngestResult r = await(intake.importFromMailbox(intake.prepareNow(out.toByteArray(), 0), ep, role.equals("sent"), details));
      if (r != null && !r.duplicate()) {
        await(node.db().query("UPDATE mailbox SET imported_count = imported_count + 1 WHERE endpoint_id = $1", ep.id()));
      }
    } catch (FolderClosedException | StoreClosedException e) {
      throw e; // the connection broke, not the mail: the next cycle tries again
    } catch (RuntimeException e) {
      if (Failures.isUnavailable(e)) throw e; // the database is away: nothing may be skipped
      fail(folder, uidValidity, uid, messageId, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (MessagingException | IOException e) {
      if (store == null || !store.isConnected() || !f.isOpen()) throw e;
      fail(folder, uidValidity, uid, messageId, "the server could not hand over this mail: " + e.getMessage());
    }
  }

  private void fail(String folder, long uidValidity, long uid, String messageId, String error) {
    log.warn("mailbox {}: skipped mail {} in {} (uid {}): {}", ep.address(), messageId, folder, uid, error);
    await(node.db().query("""
        INSERT INTO mailbox_failure (endpoint_id, folder, uidvalidity, uid, message_id, error) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (endpoint_id, folder, uidvalidity, uid) DO NOTHING""",
        ep.id(), folder, uidValidity, uid, messageId, MailParser.cap(error, 1000)));
  }

  private void savePosition(String folder, String role, long uidValidity, long uid) {
    await(node.db().query("""
        INSERT INTO mailbox_folder (endpoint_id, folder, role, uidvalidity, last_uid) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (endpoint_id, folder) DO UPDATE SET role = $3, uidvalidity = $4,
          last_uid = CASE WHEN mailbox_folder.uidvalidity = $4 THEN greatest(mailbox_folder.last_uid, $5) ELSE $5 END,
          updated_at = now()""", ep.id(), folder, role, uidValidity, uid));
  }

  private static List<Message> byUid(IMAPFolder f, List<Message> messages) throws MessagingException {
    List<long[]> order = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) order.add(new long[] {f.getUID(messages.get(i)), i});
    order.sort(Comparator.comparingLong(x -> x[0]));
    List<Message> out = new ArrayList<>();
    for (long[] o : order) out.add(messages.get((int) o[1]));
    return out;
  }

  private static String messageId(Message m) throws MessagingException {
    String[] h = m.getHeader("Message-ID");
    return h == null || h.length == 0 ? null : MessageIds.one(h[0]);
  }

  /** Waits for a database step from this worker thread. */
  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the database did not answer in time", e);
    }
  }
}
