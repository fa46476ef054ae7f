package io.switchboard.docs;

import io.vertx.core.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the documentation honest, reading the files of the project directory: the configuration page documents
 * exactly the keys of {@code conf/switchboard.json}, the README stays a front page with the two commands, and every
 * relative link in the README and under {@code docs/} reaches a file and, for {@code #anchors}, a heading.
 */
class DocsTest {

  static final String RUN = "mvn -B -q package -DskipTests && java -jar target/switchboard.jar";
  static final String TEST = "mvn -B verify";
  static final int README_MAX_LINES = 150;

  private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  /** A dotted configuration key in backticks: {@code `http.port`}. */
  private static final Pattern KEY = Pattern.compile("`([a-z0-9_]+(?:\\.[a-z0-9_]+)+)`");
  /** An inline link or image: {@code [text](target)} or {@code [text](target "title")}. */
  private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  /** A reference definition: {@code [name]: target}. */
  private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
  private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  /** A code span: a run of backticks, then anything but that run, not past a blank line, then the same run. */
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1)(?:[^\\n]|\\n(?![ \\t]*\\n)))+?\\1");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  // (1) the configuration page and conf/switchboard.json name the same keys

  @Test
  void configurationPageDocumentsEveryKeyAndNoOther() throws IOException {
    Path page = ROOT.resolve("docs/configuration.md");
    assertThat(page).as("the configuration reference").exists();
    JsonObject conf = new JsonObject(read(ROOT.resolve("conf/switchboard.json")));
    Set<String> leaves = new TreeSet<>();
    Set<String> paths = new TreeSet<>();
    flatten("", conf, leaves, paths);
    Set<String> documented = documentedKeys(lines(page));

    assertThat(documented).as("keys in the tables of docs/configuration.md").isNotEmpty();
    List<String> undocumented = leaves.stream().filter(k -> !coveredBy(k, documented)).toList();
    List<String> unknown = documented.stream().filter(k -> !paths.contains(k)).toList();
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(undocumented).as("keys of conf/switchboard.json missing from docs/configuration.md").isEmpty();
      soft.assertThat(unknown).as("keys documented in docs/configuration.md that conf/switchboard.json does not have").isEmpty();
    });
  }

  /** Objects are sections and recurse; anything else (numbers, strings, arrays, an empty object) is a key. */
  private static void flatten(String prefix, JsonObject json, Set<String> leaves, Set<String> paths) {
    for (String name : json.fieldNames()) {
      Object value = json.getValue(name);
      String key = prefix + name;
      if (!prefix.isEmpty()) paths.add(key);
      if (value instanceof JsonObject o && !o.isEmpty()) flatten(key + ".", o, leaves, paths);
      else leaves.add(key);
    }
  }

  /** A key is covered when it, or an object it sits in (below the top-level section), is documented as one key. */
  private static boolean coveredBy(String key, Set<String> documented) {
    for (String k = key; k.indexOf('.') > 0; k = k.substring(0, k.lastIndexOf('.'))) {
      if (documented.contains(k)) return true;
    }
    return false;
  }

  /** The backticked dotted keys in the first column of every table whose first header cell is "key". */
  static Set<String> documentedKeys(List<String> lines) {
    Set<String> keys = new TreeSet<>();
    boolean inKeyTable = false;
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.startsWith("```")) fenced = !fenced;
      if (fenced || !line.startsWith("|")) {
        inKeyTable = false;
        continue;
      }
      List<String> cells = cells(line);
      if (!inKeyTable) {
        boolean header = i + 1 < lines.size() && lines.get(i + 1).trim().matches("\\|?\\s*:?-{3,}.*");
        inKeyTable = header && !cells.isEmpty() && cells.get(0).equalsIgnoreCase("key");
        if (inKeyTable) i++; // the delimiter row
        continue;
      }
      Matcher m = KEY.matcher(cells.get(0));
      while (m.find()) keys.add(m.group(1));
    }
    return keys;
  }

  private static List<String> cells(String row) {
    String inner = row.substring(1, row.endsWith("|") && row.length() > 1 ? row.length() - 1 : row.length());
    List<String> out = new ArrayList<>();
    for (String c : inner.split("(?<!\\\\)\\|", -1)) out.add(c.trim());
    return out;
  }

  // (2) the README is a front page with the two commands

  @Test
  void readmeIsAFrontPageWithTheTwoCommands() throws IOException {
    Path readme = ROOT.resolve("README.md");
    List<String> lines = lines(readme);
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(lines.size()).as("lines in README.md").isLessThanOrEqualTo(README_MAX_LINES);
      soft.assertThat(lines).as("the run command, verbatim, on a line of its own").contains(RUN);
      soft.assertThat(lines).as("the test command, verbatim, on a line of its own").contains(TEST);
    });
  }

  // (3) every relative link resolves, anchors included

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    Path docs = ROOT.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> s = Files.walk(docs)) {
        s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      }
    }
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (Link link : links(lines(page))) {
        String target = link.target();
        if (target.isEmpty() || SCHEME.matcher(target).find() || target.startsWith("//")) continue;
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        int query = file.indexOf('?');
        if (query >= 0) file = file.substring(0, query);
        Path resolved = file.isEmpty() ? page : (file.startsWith("/") ? ROOT.resolve(file.substring(1))
            : page.getParent().resolve(file)).normalize();
        String where = ROOT.relativize(page) + ":" + link.line() + " (" + target + ")";
        if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
          broken.add(where + ": no such file");
          continue;
        }
        if (anchor == null || anchor.isEmpty()) continue;
        if (!resolved.toString().endsWith(".md") || Files.isDirectory(resolved)) {
          broken.add(where + ": an anchor into something that is not a Markdown page");
          continue;
        }
        Set<String> slugs = anchors.computeIfAbsent(resolved, DocsTest::anchorsOf);
        if (!slugs.contains(anchor)) broken.add(where + ": no heading with that anchor");
      }
    }
    assertThat(broken).as("broken relative links (" + checked + " checked)").isEmpty();
  }

  record Link(int line, String target) {
  }

  /**
   * Inline links and reference definitions outside fenced code blocks and code spans. A link's text may run over
   * lines, as may a code span (never past a blank line), so the page is read as a whole.
   */
  static List<Link> links(List<String> lines) {
    StringBuilder page = new StringBuilder();
    boolean fenced = false;
    for (String line : lines) {
      boolean fence = line.trim().startsWith("```");
      if (fence) fenced = !fenced;
      page.append(fence || fenced ? "" : line).append('\n');
    }
    String text = withoutCodeSpans(page.toString());
    List<Link> out = new ArrayList<>();
    Matcher m = LINK.matcher(text);
    while (m.find()) out.add(new Link(lineOf(text, m.start()), m.group(1)));
    String[] plain = text.split("\n", -1);
    for (int i = 0; i < plain.length; i++) {
      Matcher r = REFERENCE.matcher(plain[i]);
      if (r.matches()) out.add(new Link(i + 1, r.group(1)));
    }
    out.sort(java.util.Comparator.comparingInt(Link::line));
    return out;
  }

  /** Each code span becomes an empty one, keeping its line breaks so that line numbers stay right. */
  private static String withoutCodeSpans(String text) {
    Matcher m = CODE_SPAN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, "``" + m.group().replaceAll("[^\n]", ""));
    return m.appendTail(out).toString();
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') line++;
    return line;
  }

  private static Set<String> anchorsOf(Path page) {
    try {
      return anchors(lines(page));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The anchors GitHub gives a page's headings; a repeated slug gets {@code -1}, {@code -2}… */
  static Set<String> anchors(List<String> lines) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) continue;
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) continue;
      String slug = slug(m.group(2));
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    return out;
  }

  /**
   * GitHub's heading anchor: the heading's text (links by their text, no markup), lower-cased, punctuation dropped
   * (letters, digits, spaces, hyphens and underscores stay), each space a hyphen.
   */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
    StringBuilder out = new StringBuilder();
    text.toLowerCase(java.util.Locale.ROOT).codePoints().forEach(c -> {
      if (c == ' ') out.append('-');
      else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') out.appendCodePoint(c);
    });
    return out.toString();
  }

  @Test
  void slugsFollowGitHub() {
    assertThat(slug("REST API (`/api/v1`)")).isEqualTo("rest-api-apiv1");
    assertThat(slug("WhatsApp, Messenger, Instagram (Meta)")).isEqualTo("whatsapp-messenger-instagram-meta");
    assertThat(slug("Telephony (Twilio-style)")).isEqualTo("telephony-twilio-style");
    assertThat(slug("Sequences (automatic follow-ups)")).isEqualTo("sequences-automatic-follow-ups");
    assertThat(slug("Live (`GET /live`, WebSocket)")).isEqualTo("live-get-live-websocket");
    assertThat(slug("Secrets at rest")).isEqualTo("secrets-at-rest");
    assertThat(anchors(List.of("# A", "## A", "```", "# not a heading", "```", "### A"))).containsExactly("a", "a-1", "a-2");
    assertThat(documentedKeys(List.of("| key | default |", "|---|---|", "| `a.b`, `a.c` | `x.y` |", "",
        "| other | x |", "|---|---|", "| `d.e` | |"))).containsExactly("a.b", "a.c");
    assertThat(links(List.of("see [x](a.md#b) and `[y](not-a-link.md)`", "```", "[z](fenced.md)", "```", "[r]: ref.md",
        "a [link over", "two lines](two.md), a `code span [c](c.md)", "over two` and [d](d.md)")))
        .containsExactly(new Link(1, "a.md#b"), new Link(5, "ref.md"), new Link(6, "two.md"), new Link(8, "d.md"));
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
