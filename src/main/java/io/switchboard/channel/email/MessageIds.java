package io.switchboard.channel.email;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Message-IDs in one normal form: without angle brackets or white space, case kept (RFC 5322 ids are
 * case-sensitive). That form is what activities store as their provider id, so replies find their parents.
 */
final class MessageIds {

  private static final Pattern BRACKETED = Pattern.compile("<([^<>\\s]{1,500})>");
  /** References longer than this are trimmed (the first id and the newest ones stay), as mail clients do. */
  static final int MAX_REFERENCES = 20;

  private MessageIds() {
  }

  /** One id from a header value, or null when it holds none. */
  static String one(String header) {
    List<String> ids = all(header);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Every id in a References or In-Reply-To value, in order; tolerates ids written without brackets. */
  static List<String> all(String header) {
    List<String> out = new ArrayList<>();
    if (header == null || header.isBlank()) return out;
    Matcher m = BRACKETED.matcher(header);
    while (m.find()) out.add(m.group(1));
    if (out.isEmpty()) {
      for (String part : header.trim().split("[\\s,]+")) {
        if (part.contains("@") && part.length() <= 500) out.add(part);
      }
    }
    return out;
  }

  static String bracket(String id) {
    return "<" + id + ">";
  }

  /** A References list for a reply: the parent's references, then the parent, without repeats, trimmed. */
  static List<String> chain(List<String> parentReferences, String parentId) {
    LinkedHashSet<String> set = new LinkedHashSet<>(parentReferences);
    if (parentId != null) {
      set.remove(parentId);
      set.add(parentId);
    }
    List<String> ids = new ArrayList<>(set);
    if (ids.size() <= MAX_REFERENCES) return ids;
    List<String> trimmed = new ArrayList<>();
    trimmed.add(ids.get(0));
    trimmed.addAll(ids.subList(ids.size() - (MAX_REFERENCES - 1), ids.size()));
    return trimmed;
  }

  /** Ids joined for a header, each in brackets. */
  static String header(List<String> ids) {
    StringBuilder sb = new StringBuilder();
    for (String id : ids) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(bracket(id));
    }
    return sb.toString();
  }
}
