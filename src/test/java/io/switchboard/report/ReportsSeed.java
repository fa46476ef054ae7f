package io.switchboard.report;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * A known week of conversations, written with exact times straight into the database, shared by the REST and the
 * browser tests. Inbox A has business hours (Mon–Fri 09:00–17:00 UTC), inbox B has none; {@code sue} (supervisor) is a
 * member of A only, the admin of both. The week is Monday 2 November 2026 to Sunday 8 November (UTC); every figure
 * the tests expect is worked out in the comments here.
 */
final class ReportsSeed {

  static final String FROM = "2026-11-02";
  static final String TO = "2026-11-08";
  static final String HOURS = "{\"timezone\":\"UTC\",\"weekly\":{\"mon\":[[\"09:00\",\"17:00\"]],\"tue\":[[\"09:00\",\"17:00\"]],"
      + "\"wed\":[[\"09:00\",\"17:00\"]],\"thu\":[[\"09:00\",\"17:00\"]],\"fri\":[[\"09:00\",\"17:00\"]]}}";

  long inboxA;
  long inboxB;
  long admin;
  long sue;
  ApiClient sueClient;
  ApiClient agentClient;
  private long workspace;
  private long endpointA;
  private long endpointB;
  private int contacts;

  static ReportsSeed seed(TestHub hub, String prefix) throws Exception {
    ReportsSeed s = new ReportsSeed();
    s.inboxA = hub.inbox(prefix + " A");
    s.inboxB = hub.inbox(prefix + " B");
    s.admin = hub.admin().userId();
    s.sueClient = hub.user(prefix.toLowerCase() + "-sue@example.com", "supervisor");
    s.sue = s.sueClient.userId();
    hub.member(s.inboxA, s.sue);
    s.agentClient = hub.user(prefix.toLowerCase() + "-ann@example.com", "agent");
    hub.member(s.inboxA, s.agentClient.userId());
    s.endpointA = hub.apiEndpoint(s.inboxA, null).getLong("id");
    s.endpointB = hub.apiEndpoint(s.inboxB, null).getLong("id");
    try (Connection c = TestDatabase.connect(hub.dbUrl)) {
      s.write(c);
    }
    return s;
  }

  private void write(Connection c) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT workspace_id FROM inbox WHERE id = " + inboxA)) {
      rs.next();
      workspace = rs.getLong(1);
    }
    c.createStatement().execute("UPDATE inbox SET business_hours = '" + HOURS + "'::jsonb WHERE id = " + inboxA);

    // C0, the week before: opened, one message in
    long c0 = conversation(c, inboxA, endpointA, "2026-10-28T10:00:00Z", admin);
    message(c, c0, inboxA, "in", null, "2026-10-28T10:00:00Z");

    // C1 (admin): asked Mon 10:00, answered 10:30 (1,800 s in hours), resolved 12:00 (7,200 s);
    // the contact writes again Wed 10:00 and so reopens it
    long c1 = conversation(c, inboxA, endpointA, "2026-11-02T10:00:00Z", admin);
    message(c, c1, inboxA, "in", null, "2026-11-02T10:00:00Z");
    message(c, c1, inboxA, "out", admin, "2026-11-02T10:30:00Z");
    status(c, c1, inboxA, admin, "open", "resolved", "2026-11-02T12:00:00Z");
    message(c, c1, inboxA, "in", null, "2026-11-04T10:00:00Z");

    // C2 (sue): asked Mon 16:00, answered Tue 10:00 (18 h, of which 2 h in business hours: 7,200 s),
    // resolved Tue 11:00 (3 h in business hours: 10,800 s); sue reopens it Wed 12:00 and resolves it again at 13:00
    long c2 = conversation(c, inboxA, endpointA, "2026-11-02T16:00:00Z", sue);
    message(c, c2, inboxA, "in", null, "2026-11-02T16:00:00Z");
    message(c, c2, inboxA, "out", sue, "2026-11-03T10:00:00Z");
    status(c, c2, inboxA, sue, "open", "resolved", "2026-11-03T11:00:00Z");
    status(c, c2, inboxA, sue, "resolved", "open", "2026-11-04T12:00:00Z");
    status(c, c2, inboxA, sue, "open", "resolved", "2026-11-04T13:00:00Z");

    // C3 (admin): asked Saturday 08:00, answered 09:00: an hour on the clock, 0 s in business hours
    long c3 = conversation(c, inboxA, endpointA, "2026-11-07T08:00:00Z", admin);
    message(c, c3, inboxA, "in", null, "2026-11-07T08:00:00Z");
    message(c, c3, inboxA, "out", admin, "2026-11-07T09:00:00Z");

    // C4 (sue): asked Tue 09:00, never answered; an answered call Tue 14:00, a missed call and a voicemail Thu 15:00
    long c4 = conversation(c, inboxA, endpointA, "2026-11-03T09:00:00Z", sue);
    message(c, c4, inboxA, "in", null, "2026-11-03T09:00:00Z");
    activity(c, c4, inboxA, "call", "in", "contact", null, "{\"outcome\":\"answered\"}", "2026-11-03T14:00:00Z");
    activity(c, c4, inboxA, "call", "in", "contact", null, "{\"outcome\":\"missed\"}", "2026-11-05T15:00:00Z");
    activity(c, c4, inboxA, "voicemail", "in", "contact", null, "{}", "2026-11-05T15:01:00Z");

    // C5 in inbox B (no business hours, admin only): answered after 3,600 s, resolved after 10,800 s
    long c5 = conversation(c, inboxB, endpointB, "2026-11-02T10:00:00Z", admin);
    message(c, c5, inboxB, "in", null, "2026-11-02T10:00:00Z");
    message(c, c5, inboxB, "out", admin, "2026-11-02T11:00:00Z");
    status(c, c5, inboxB, admin, "open", "resolved", "2026-11-02T13:00:00Z");

    // ratings in A: 5 for the admin; 3 and 4 for sue, and one request to sue never answered; one in B
    review(c, inboxA, c1, admin, 5, "2026-11-02T12:00:00Z");
    review(c, inboxA, c2, sue, 3, "2026-11-03T11:00:00Z");
    review(c, inboxA, c2, sue, 4, "2026-11-04T13:00:00Z");
    review(c, inboxA, c4, sue, null, "2026-11-05T16:00:00Z");
    review(c, inboxB, c5, admin, 1, "2026-11-02T13:00:00Z");
  }

  private long conversation(Connection c, long inbox, long endpoint, String at, long assignee) throws Exception {
    long contact;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO contact (workspace_id, name) VALUES (?, ?) RETURNING id")) {
      ps.setLong(1, workspace);
      ps.setString(2, "Seeded contact " + (++contacts));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        contact = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO conversation (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, thread_token,
          assignee_id, created_at, last_activity_at) VALUES (?, ?, ?, ?, 'api', ?, ?, ?, ?, ?) RETURNING id""")) {
      ps.setLong(1, workspace);
      ps.setLong(2, inbox);
      ps.setLong(3, endpoint);
      ps.setLong(4, contact);
      ps.setString(5, "seeded-" + contact);
      ps.setString(6, "seed-" + inbox + "-" + contact);
      ps.setLong(7, assignee);
      ps.setTimestamp(8, ts(at));
      ps.setTimestamp(9, ts(at));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void message(Connection c, long conv, long inbox, String direction, Long user, String at) throws Exception {
    activity(c, conv, inbox, "message", direction, direction.equals("in") ? "contact" : "user", user, "{}", at);
  }

  private void status(Connection c, long conv, long inbox, long user, String from, String to, String at) throws Exception {
    activity(c, conv, inbox, "system", null, "user", user,
        "{\"change\":\"status\",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}", at);
  }

  private void activity(Connection c, long conv, long inbox, String kind, String direction, String senderType, Long sender,
                        String data, String at) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO activity (workspace_id, inbox_id, conversation_id, kind, direction, sender_type, sender_id, text, data,
          created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'seeded', ?::jsonb, ?, ?)""")) {
      ps.setLong(1, workspace);
      ps.setLong(2, inbox);
      ps.setLong(3, conv);
      ps.setString(4, kind);
      ps.setString(5, direction);
      ps.setString(6, senderType);
      if (sender == null) ps.setNull(7, java.sql.Types.BIGINT);
      else ps.setLong(7, sender);
      ps.setString(8, data);
      ps.setTimestamp(9, ts(at));
      ps.setTimestamp(10, ts(at));
      ps.executeUpdate();
    }
  }

  private void review(Connection c, long inbox, long conv, long agent, Integer rating, String at) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO review (workspace_id, inbox_id, conversation_id, contact_id, agent_id, channel, asked_at, expires_at,
          rating, answered_at) SELECT ?, ?, id, contact_id, ?, 'api', ?, ?::timestamptz + interval '7 days', ?, ? FROM conversation WHERE id = ?""")) {
      ps.setLong(1, workspace);
      ps.setLong(2, inbox);
      ps.setLong(3, agent);
      ps.setTimestamp(4, ts(at));
      ps.setTimestamp(5, ts(at));
      if (rating == null) {
        ps.setNull(6, java.sql.Types.SMALLINT);
        ps.setNull(7, java.sql.Types.TIMESTAMP);
      } else {
        ps.setInt(6, rating);
        ps.setTimestamp(7, ts(at));
      }
      ps.setLong(8, conv);
      ps.executeUpdate();
    }
  }

  private static Timestamp ts(String at) {
    return Timestamp.from(Instant.parse(at));
  }
}
