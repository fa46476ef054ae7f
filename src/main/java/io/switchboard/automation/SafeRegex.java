package io.switchboard.automation;

import io.switchboard.common.ApiError;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions written by admins and run against what customers send. Two guards: on save, a pattern must
 * compile and must not repeat a group that itself repeats ({@code (a+)+}, {@code (\w+\s?)*}): the classic shape of
 * catastrophic backtracking; an atomic group {@code (?>…)} or a possessive quantifier ({@code ++}, {@code *+}) makes
 * such a pattern acceptable. When matching, the text is cut to a few thousand characters and read through a
 * {@link CharSequence} that counts its reads and gives up past a budget, so whatever slips through (overlapping
 * alternatives like {@code (a|aa)*c}) costs bounded time: a pattern that runs out of budget does not match.
 */
final class SafeRegex {

  static final int MAX_PATTERN = 500;
  static final int MAX_INPUT = 4000;
  static final long BUDGET = 1_000_000;

  private SafeRegex() {
  }

  /** Compiles a pattern, or fails with a 400 naming {@code field}. */
  static Pattern compile(String field, String pattern, boolean caseSensitive) {
    if (pattern == null || pattern.isEmpty()) throw ApiError.validation(field, field + " is required");
    if (pattern.length() > MAX_PATTERN) throw ApiError.validation(field, field + " is longer than " + MAX_PATTERN + " characters");
    Pattern p;
    try {
      p = Pattern.compile(pattern, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      throw ApiError.validation(field, field + " is not a valid regular expression: " + e.getDescription()
          + (e.getIndex() >= 0 ? " near position " + e.getIndex() : ""));
    }
    String risk = nestedRepetition(pattern);
    if (risk != null) {
      throw ApiError.validation(field, field + " could run away (" + risk + " repeats a group that itself repeats); "
          + "rewrite it, or make the group atomic (?>…) or the inner repetition possessive (a++)");
    }
    return p;
  }

  /** Whether the pattern occurs in the text, within the budget; running out of budget counts as no match. */
  static boolean find(Pattern p, String text) {
    String t = text == null ? "" : text.length() > MAX_INPUT ? text.substring(0, MAX_INPUT) : text;
    try {
      return p.matcher(new Bounded(t, new long[] {BUDGET})).find();
    } catch (BudgetExceeded e) {
      return false;
    }
  }

  /** Thrown from inside the matcher when the budget is spent. */
  static final class BudgetExceeded extends RuntimeException {
    BudgetExceeded() {
      super("regular expression ran out of budget", null, false, false);
    }
  }

  /** A text whose every character read costs one unit of a shared budget. */
  private record Bounded(String s, long[] budget) implements CharSequence {
    @Override
    public int length() {
      return s.length();
    }

    @Override
    public char charAt(int index) {
      if (--budget[0] < 0) throw new BudgetExceeded();
      return s.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Bounded(s.substring(start, end), budget);
    }

    @Override
    public String toString() {
      return s;
    }
  }

  private static final class Group {
    final int start;
    final boolean atomic;
    boolean repeatsInside;

    Group(int start, boolean atomic) {
      this.start = start;
      this.atomic = atomic;
    }
  }

  /**
   * The offending group (as written) when a repeated group contains an unbounded repetition that is neither atomic
   * nor possessive; null otherwise. A small scanner: escapes, character classes and quoting are skipped.
   */
  static String nestedRepetition(String p) {
    Deque<Group> stack = new ArrayDeque<>();
    stack.push(new Group(0, false));
    int i = 0;
    int n = p.length();
    while (i < n) {
      char c = p.charAt(i);
      if (c == '\\') {
        i = skipEscape(p, i);
        i = quantifier(p, i, stack.peek(), false, null);
      } else if (c == '[') {
        i = skipClass(p, i);
        i = quantifier(p, i, stack.peek(), false, null);
      } else if (c == '(') {
        stack.push(new Group(i, p.startsWith("(?>", i)));
        i++;
      } else if (c == ')' && stack.size() > 1) {
        Group g = stack.pop();
        String text = p.substring(g.start, i + 1);
        int after = quantifier(p, i + 1, stack.peek(), g.repeatsInside && !g.atomic, text);
        if (after < 0) return text;
        if (g.repeatsInside) stack.peek().repeatsInside = true;
        i = after;
      } else {
        i = quantifier(p, i + 1, stack.peek(), false, null);
      }
    }
    return null;
  }

  /**
   * Reads an optional quantifier at {@code i}; marks the group as repeating inside when it is unbounded and not
   * possessive. When {@code risky} (the quantified thing is a group with repetition inside) and the quantifier
   * repeats, returns -1.
   */
  private static int quantifier(String p, int i, Group in, boolean risky, String what) {
    if (i >= p.length()) return i;
    char c = p.charAt(i);
    boolean unbounded;
    boolean repeats;
    int end;
    if (c == '*' || c == '+') {
      unbounded = true;
      repeats = true;
      end = i + 1;
    } else if (c == '?') {
      unbounded = false;
      repeats = false;
      end = i + 1;
    } else if (c == '{') {
      int close = p.indexOf('}', i);
      if (close < 0) return i + 1;
      String body = p.substring(i + 1, close);
      if (!body.matches("\\d+(,\\d*)?")) return i + 1;
      String[] parts = body.split(",", -1);
      unbounded = parts.length == 2 && parts[1].isEmpty();
      repeats = unbounded || (parts.length == 2 ? Integer.parseInt(parts[1]) > 1 : Integer.parseInt(parts[0]) > 1);
      end = close + 1;
    } else {
      return i;
    }
    boolean possessive = end < p.length() && p.charAt(end) == '+';
    if (end < p.length() && (p.charAt(end) == '+' || p.charAt(end) == '?')) end++;
    if (risky && repeats && !possessive) return -1;
    if (unbounded && !possessive) in.repeatsInside = true;
    return end;
  }

  private static int skipEscape(String p, int i) {
    if (i + 1 >= p.length()) return i + 1;
    char e = p.charAt(i + 1);
    if (e == 'Q') {
      int end = p.indexOf("\\E", i + 2);
      return end < 0 ? p.length() : end + 2;
    }
    if ((e == 'p' || e == 'P' || e == 'x' || e == 'N' || e == 'k') && i + 2 < p.length()
        && (p.charAt(i + 2) == '{' || p.charAt(i + 2) == '<')) {
      int end = p.indexOf(p.charAt(i + 2) == '{' ? '}' : '>', i + 2);
      return end < 0 ? p.length() : end + 1;
    }
    return i + 2;
  }

  private static int skipClass(String p, int i) {
    int depth = 0;
    int j = i;
    boolean first = true;
    while (j < p.length()) {
      char c = p.charAt(j);
      if (c == '\\') {
        j = skipEscape(p, j);
        first = false;
        continue;
      }
      if (c == '[' && (j == i || !first)) {
        depth++;
        j++;
        if (j < p.length() && p.charAt(j) == '^') j++;
        first = true;
        continue;
      }
      if (c == ']' && !first) {
        depth--;
        j++;
        if (depth == 0) return j;
        continue;
      }
      first = false;
      j++;
    }
    return j;
  }
}
