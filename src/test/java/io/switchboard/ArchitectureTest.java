package io.switchboard;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of docs/architecture.md, read from the compiled main classes: the graph has no cycle, the wiring
 * is the only place that names every part, plumbing knows no feature, domain code knows neither HTTP nor the live
 * gateway, and channels and REST resources are reached only through the wiring.
 */
class ArchitectureTest {

  /** Know no feature: shared by everyone. */
  static final String[] PLUMBING = {"io.switchboard.common..", "io.switchboard.socket..", "io.switchboard.config..", "io.switchboard.db..",
      "io.switchboard.node..", "io.switchboard.http..", "io.switchboard.logging..", "io.switchboard.cluster..",
      "io.switchboard.event.."};
  /** Features: what the hub does. */
  static final String[] FEATURES = {"io.switchboard.attachment..", "io.switchboard.audit..", "io.switchboard.auth..",
      "io.switchboard.automation..", "io.switchboard.channel..", "io.switchboard.contact..", "io.switchboard.conversation..", "io.switchboard.crm..",
      "io.switchboard.delivery..", "io.switchboard.inbox..", "io.switchboard.ingest..", "io.switchboard.live..",
      "io.switchboard.ops..", "io.switchboard.outbound..", "io.switchboard.report..", "io.switchboard.rest..", "io.switchboard.review..", "io.switchboard.sandbox.."};
  /** Domain code and its stores: no request, no socket. */
  static final String[] DOMAIN = {"io.switchboard.attachment", "io.switchboard.audit", "io.switchboard.auth",
      "io.switchboard.automation", "io.switchboard.contact", "io.switchboard.conversation", "io.switchboard.crm", "io.switchboard.delivery",
      "io.switchboard.event", "io.switchboard.inbox", "io.switchboard.ingest", "io.switchboard.outbound", "io.switchboard.report", "io.switchboard.review"};
  /** The concrete channels; only the wiring names them. */
  static final String[] CHANNELS = {"io.switchboard.channel.api..", "io.switchboard.channel.email..",
      "io.switchboard.channel.meta..", "io.switchboard.channel.telephony..", "io.switchboard.channel.widget.."};
  static final String[] WEB = {"io.switchboard.http..", "io.vertx.ext.web..", "io.switchboard.live..", "io.switchboard.rest..",
      "io.switchboard.auth.web.."};

  static JavaClasses main;

  @BeforeAll
  static void read() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.switchboard");
  }

  @Test
  @DisplayName("the packages form a graph without a cycle")
  void noCycle() {
    slices().matching("io.switchboard.(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  @DisplayName("nothing below the wiring imports it")
  void wiringOnTop() {
    noClasses().that().resideOutsideOfPackage("io.switchboard").should().dependOnClassesThat().resideInAPackage("io.switchboard")
        .check(main);
  }

  @Test
  @DisplayName("plumbing (common, config, db, node, http, logging, cluster, event log) knows no feature")
  void plumbingKnowsNoFeature() {
    noClasses().that().resideInAnyPackage(PLUMBING).should().dependOnClassesThat().resideInAnyPackage(FEATURES).check(main);
  }

  @Test
  @DisplayName("domain code and its stores know neither HTTP, nor REST resources, nor live sockets, nor a channel")
  void domainKnowsNoWeb() {
    ArchRule rule = noClasses().that().resideInAnyPackage(DOMAIN).should().dependOnClassesThat().resideInAnyPackage(WEB)
        .orShould().dependOnClassesThat().resideInAnyPackage("io.switchboard.channel..");
    rule.check(main);
  }

  @Test
  @DisplayName("the live gateway knows no channel and no REST resource")
  void liveKnowsNoChannel() {
    noClasses().that().resideInAPackage("io.switchboard.live..").should().dependOnClassesThat()
        .resideInAnyPackage("io.switchboard.channel..", "io.switchboard.rest..").check(main);
  }

  @Test
  @DisplayName("REST resources and concrete channels are reached only through the wiring; channels know no other channel")
  void adaptersOnlyThroughTheWiring() {
    classes().that().resideInAPackage("io.switchboard.rest..").should().onlyHaveDependentClassesThat()
        .resideInAnyPackage("io.switchboard", "io.switchboard.rest..").check(main);
    for (String channel : CHANNELS) {
      classes().that().resideInAPackage(channel).should().onlyHaveDependentClassesThat()
          .resideInAnyPackage("io.switchboard", channel).check(main);
    }
  }

  @Test
  @DisplayName("REST resources hold no SQL: every statement is in a store")
  void noSqlInRestResources() throws IOException {
    Path root = Path.of("src/main/java/io/switchboard");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith("Api.java") || p.startsWith(root.resolve("rest")) && p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(f);
        Matcher literal = LITERAL.matcher(source);
        while (literal.find()) {
          if (SQL.matcher(literal.group()).find()) found.add(root.relativize(f) + ": " + literal.group().strip().lines().findFirst().orElse(""));
        }
      }
    }
    assertThat(found).as("SQL in REST resources").isEmpty();
  }

  /** Text blocks and string literals. */
  private static final Pattern LITERAL = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"");
  private static final Pattern SQL = Pattern.compile(
      "\\b(SELECT\\s|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|WHERE\\s|JOIN\\s|ON CONFLICT|RETURNING\\s)");

  @Test
  @DisplayName("no two classes share a simple name")
  void namesSayOneThing() {
    Map<String, String> packagesByName = new TreeMap<>(main.stream()
        .filter(c -> c.isTopLevelClass())
        .collect(Collectors.groupingBy(JavaClass::getSimpleName, Collectors.mapping(JavaClass::getPackageName, Collectors.joining(", ")))));
    packagesByName.values().removeIf(p -> !p.contains(","));
    assertThat(packagesByName).as("classes with the same simple name").isEmpty();
  }
}
