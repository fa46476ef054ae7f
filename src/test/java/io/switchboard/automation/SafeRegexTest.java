package io.switchboard.automation;

import io.switchboard.common.ApiError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeRegexTest {

  @Test
  @DisplayName("repeated groups that repeat inside are refused; atomic, possessive and plain patterns pass")
  void nestedRepetition() {
    assertThat(SafeRegex.nestedRepetition("(a+)+")).isEqualTo("(a+)");
    assertThat(SafeRegex.nestedRepetition("^(\\w+\\s?)*$")).isEqualTo("(\\w+\\s?)");
    assertThat(SafeRegex.nestedRepetition("((ab)*c)+")).isEqualTo("((ab)*c)");
    assertThat(SafeRegex.nestedRepetition("(x{2,})*")).isEqualTo("(x{2,})");
    assertThat(SafeRegex.nestedRepetition("(?:[a-z]+\\.)*com")).isEqualTo("(?:[a-z]+\\.)");
    assertThat(SafeRegex.nestedRepetition("order\\s*#?\\d{4,}")).isNull();
    assertThat(SafeRegex.nestedRepetition("(hello|hi)+ there")).isNull();
    assertThat(SafeRegex.nestedRepetition("(?>\\w+\\s?)*$")).isNull();
    assertThat(SafeRegex.nestedRepetition("(a++)+")).isNull();
    assertThat(SafeRegex.nestedRepetition("(a+)?")).isNull();
    assertThat(SafeRegex.nestedRepetition("[(a+)]+")).isNull();
    assertThat(SafeRegex.nestedRepetition("\\(a+\\)+")).isNull();
    assertThat(SafeRegex.nestedRepetition("\\Q(a+)+\\E")).isNull();
  }

  @Test
  @DisplayName("a pattern that does not compile is a 400 naming the field")
  void doesNotCompile() {
    assertThatThrownBy(() -> SafeRegex.compile("rules[0].trigger.pattern", "([a-z", false))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.field).isEqualTo("rules[0].trigger.pattern"));
  }

  @Test
  @DisplayName("matching that backtracks without end stops within its budget and counts as no match")
  void bounded() {
    Pattern p = SafeRegex.compile("f", "(a|aa)*c", false);
    long start = System.nanoTime();
    assertThat(SafeRegex.find(p, "a".repeat(80) + "!")).isFalse();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    assertThat(SafeRegex.find(p, "aaac")).isTrue();
    assertThat(SafeRegex.find(SafeRegex.compile("f", "ORDER\\s*#?\\d+", false), "my order #1234 please")).isTrue();
  }
}
