package io.switchboard.rest;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportsCsvTest {

  @Test
  @DisplayName("CSV fields: quoted when they hold a comma, quote or line break; a formula is defused; numbers as they are")
  void quoting() {
    assertEquals("plain", ReportsApi.Csv.field("plain"));
    assertEquals("\"a, \"\"b\"\"\"", ReportsApi.Csv.field("a, \"b\""));
    assertEquals("\"two\nlines\"", ReportsApi.Csv.field("two\nlines"));
    assertEquals("'=SUM(A1)", ReportsApi.Csv.field("=SUM(A1)"));
    assertEquals("-3", ReportsApi.Csv.field(-3L));
    assertEquals("", ReportsApi.Csv.field(null));
    assertEquals("x,\"y,z\",1\r\n", ReportsApi.Csv.row(Arrays.asList("x", "y,z", 1)));
  }
}
