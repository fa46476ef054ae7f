package io.switchboard.contact;

import io.switchboard.db.Db;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a user types into the contact or profile search box, as SQL patterns. Every word must be found somewhere
 * (name, e-mail, company, an identity, a property value), so "ada acme" finds Ada of Acme. Input that looks like
 * a phone number ("+31 6 12", "(415) 555-01", "0612…", "0031612…", digits only) is also matched on digits against
 * phone numbers, which are stored in E.164: a leading 00 is an international prefix, a single leading 0 a
 * national trunk prefix that E.164 replaces by a country code of one to three digits.
 */
public record Lookup(String[] words, String[] phonePatterns) {

  private static final Pattern PHONE_LIKE = Pattern.compile("^[0-9+()\\-./\\s]+$");
  private static final int MAX_WORDS = 6;

  /** Null when there is nothing to look for. */
  public static Lookup of(String q) {
    if (q == null || q.isBlank()) return null;
    String query = q.trim();
    if (query.length() > 200) query = query.substring(0, 200);
    List<String> words = new ArrayList<>();
    for (String w : query.split("\\s+")) {
      if (!w.isEmpty() && words.size() < MAX_WORDS) words.add(Db.contains(w));
    }
    return new Lookup(words.toArray(String[]::new), phone(query));
  }

  /** LIKE patterns over a number's digits, or null when the query is not phone-like or has under 3 digits. */
  static String[] phone(String q) {
    if (!PHONE_LIKE.matcher(q).matches()) return null;
    String d = q.replaceAll("\\D", "");
    if (d.length() < 3) return null;
    Set<String> patterns = new LinkedHashSet<>();
    patterns.add("%" + d + "%");
    if (d.startsWith("00") && d.length() >= 5) {
      patterns.add(d.substring(2) + "%");
    } else if (d.startsWith("0") && d.length() >= 4) {
      String national = d.substring(1);
      // "_" is one character, here one digit: the country code before the national number
      for (String cc : new String[] {"_", "__", "___"}) patterns.add(cc + national + "%");
    }
    return patterns.toArray(String[]::new);
  }

  /**
   * The SQL condition for contact {@code ct} with the word patterns at {@code $words} and the phone patterns at
   * {@code $phones} (either may be null).
   */
  public static String contactSql(String ct, int words, int phones) {
    String digits = "regexp_replace(%s, '[^0-9]', '', 'g')";
    return "(($" + words + "::text[] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unnest($" + words + "::text[]) w WHERE NOT COALESCE("
        + ct + ".name ILIKE w OR " + ct + ".email ILIKE w OR " + ct + ".company ILIKE w OR " + ct + ".phone ILIKE w"
        + " OR EXISTS (SELECT 1 FROM contact_identity si WHERE si.contact_id = " + ct + ".id AND si.address ILIKE w)"
        + " OR EXISTS (SELECT 1 FROM contact_property sp WHERE sp.contact_id = " + ct + ".id AND (sp.value #>> '{}') ILIKE w), false)))"
        + " OR ($" + phones + "::text[] IS NOT NULL AND (" + digits.formatted(ct + ".phone") + " LIKE ANY($" + phones + "::text[])"
        + " OR EXISTS (SELECT 1 FROM contact_identity sd WHERE sd.contact_id = " + ct + ".id AND sd.channel IN ('phone', 'whatsapp')"
        + " AND " + digits.formatted("sd.address") + " LIKE ANY($" + phones + "::text[])))))";
  }

  /**
   * The SQL condition for profile {@code p}: every word in its name or a profile property value, or a member contact
   * the user can see (user at {@code $user}, contacts.manage at {@code $manage}) matching as in contact search.
   */
  public static String profileSql(String p, int words, int phones, int user, int manage) {
    return "(($" + words + "::text[] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unnest($" + words + "::text[]) w WHERE NOT ("
        + p + ".name ILIKE w OR EXISTS (SELECT 1 FROM profile_property pp WHERE pp.profile_id = " + p + ".id"
        + " AND (pp.value #>> '{}') ILIKE w))))"
        + " OR EXISTS (SELECT 1 FROM profile_contact qc JOIN contact qct ON qct.id = qc.contact_id WHERE qc.profile_id = " + p + ".id"
        + " AND " + Contacts.visibleSql("qct", user, manage) + " AND " + contactSql("qct", words, phones) + "))";
  }
}
