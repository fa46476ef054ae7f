package io.switchboard.conversation;

import java.util.ArrayList;
import java.util.List;

/** Turns what a user types into a search box into safe PostgreSQL text-search and phone-digit patterns. */
public final class Search {

  private Search() {
  }

  /** Prefix match of every word ({@code word:* & other:*}), or null when there is no word to look for. */
  public static String tsquery(String q) {
    if (q == null) return null;
    List<String> terms = new ArrayList<>();
    for (String w : q.toLowerCase().split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty() && terms.size() < 8) terms.add(w + ":*");
    }
    return terms.isEmpty() ? null : String.join(" & ", terms);
  }

  /** For phone numbers typed any way ("+31 6-123", "06123"): a LIKE pattern on digits only, if there are 3+. */
  public static String digits(String q) {
    if (q == null) return null;
    String d = q.replaceAll("\\D", "");
    return d.length() >= 3 ? "%" + d + "%" : null;
  }
}
