package io.switchboard.auth;

import io.switchboard.common.ApiError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a new password must be, wherever one is set (a new user, an admin's reset, one's own change, the first
 * admin's from the configuration): at least 8 characters; not one of the 30,000 most common passwords, in any
 * case ({@code auth/common-passwords.txt}, the first guesses of anyone guessing); and not the user's e-mail
 * address or the part before its @, nor containing either, in any case (the next guesses). A name part shorter
 * than 3 characters is not looked for inside passwords: it would refuse good ones by chance.
 */
public final class PasswordRules {

  public static final int MIN_LENGTH = 8;
  private static final int MIN_NAME_PART = 3;
  private static final Set<String> COMMON = load("/auth/common-passwords.txt");

  private PasswordRules() {
  }

  /** Why the password is refused for the user with this e-mail, or null when it will do. */
  public static String problem(String password, String email) {
    if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
      return "password must have at least " + MIN_LENGTH + " characters";
    }
    String p = password.toLowerCase(Locale.ROOT);
    if (COMMON.contains(p)) return "password is one of the most common passwords; choose one that is harder to guess";
    if (email != null && !email.isBlank()) {
      String e = email.trim().toLowerCase(Locale.ROOT);
      int at = e.lastIndexOf('@');
      String name = at > 0 ? e.substring(0, at) : e;
      if (p.contains(e) || (name.length() >= MIN_NAME_PART && p.contains(name))) {
        return "password must not contain the e-mail address or the part before its @";
      }
    }
    return null;
  }

  /** 400 naming {@code field} unless the password will do. */
  public static void check(String field, String password, String email) {
    String problem = problem(password, email);
    if (problem != null) throw ApiError.validation(field, problem);
  }

  private static Set<String> load(String resource) {
    try (InputStream in = PasswordRules.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
      Set<String> out = new HashSet<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isEmpty() && !line.startsWith("#")) out.add(line.toLowerCase(Locale.ROOT));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
