package io.switchboard.inbox;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.switchboard.common.ApiError;

import java.util.Locale;
import java.util.regex.Pattern;

/** Normal forms of addresses: lower-case e-mail, E.164 phone numbers. Invalid input is a 400 naming the field. */
public final class Addresses {

  private static final Pattern EMAIL = Pattern.compile(
      "^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$");
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private Addresses() {
  }

  public static String email(String field, String raw) {
    String e = normalEmail(raw);
    if (e == null) throw ApiError.validation(field, field + " is not a valid e-mail address");
    return e;
  }

  /** The normal form of an e-mail address, or null when it is not one. */
  public static String normalEmail(String raw) {
    if (raw == null) return null;
    String e = raw.trim().toLowerCase(Locale.ROOT);
    if (e.startsWith("<") && e.endsWith(">")) e = e.substring(1, e.length() - 1);
    return e.length() <= 254 && EMAIL.matcher(e).matches() ? e : null;
  }

  /**
   * E.164 form of a phone number. Numbers without a country code are read in {@code defaultRegion}. A number
   * must be possible for its country (a length check); validity lists lag behind new ranges, so they are not used.
   */
  public static String phone(String field, String raw, String defaultRegion) {
    String p = normalPhone(raw, defaultRegion);
    if (p == null) throw ApiError.validation(field, field + " is not a phone number in E.164 form (like +14155550123)");
    return p;
  }

  public static String normalPhone(String raw, String defaultRegion) {
    if (raw == null || raw.isBlank() || raw.length() > 40) return null;
    String s = raw.trim();
    if (s.startsWith("00")) s = "+" + s.substring(2);
    try {
      PhoneNumber n = PHONES.parse(s, s.startsWith("+") ? null : defaultRegion);
      if (!PHONES.isPossibleNumber(n)) return null;
      return PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      return null;
    }
  }
}
