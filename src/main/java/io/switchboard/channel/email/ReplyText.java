package io.switchboard.channel.email;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Separates what a reply says from the mail it quotes, so the conversation shows the new text while the full text
 * is kept. Recognises the attribution lines of the common clients ("On … wrote:", Outlook's header block,
 * "-----Original Message-----", localised variants) and a trailing block of "&gt;" lines.
 */
final class ReplyText {

  /** The new part and the quoted rest (null when nothing was recognised as quoted). */
  record Split(String fresh, String quoted) {
  }

  private static final Pattern ATTRIBUTION = Pattern.compile(
      "^(on|am|le|op|el|il|em|den|på|w dniu)\\s.{0,300}(wrote|schrieb|a écrit|schreef|escribió|ha scritto|escreveu|skrev|napisał)"
          + "(\\s[^:]{0,200})?\\s*:\\s*$",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern ORIGINAL = Pattern.compile(
      "^-{2,}\\s*(original message|ursprüngliche nachricht|message d'origine|oorspronkelijk bericht|forwarded message)\\s*-{2,}$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern OUTLOOK_FROM = Pattern.compile("^\\*?(from|von|de|van|da)\\s*:\\*?\\s.+", Pattern.CASE_INSENSITIVE);
  private static final Pattern OUTLOOK_NEXT = Pattern.compile(
      "^\\*?(sent|date|gesendet|envoyé|verzonden|enviado|inviato|to|an|à|aan)\\s*:\\*?\\s.*", Pattern.CASE_INSENSITIVE);
  private static final Pattern RULE = Pattern.compile("^_{10,}$");
  /** Containers mail clients put the quoted mail in. */
  private static final String QUOTE_SELECTORS = ".gmail_quote, .gmail_extra, blockquote[type=cite], .moz-cite-prefix, "
      + "#divRplyFwdMsg, #appendonsend, .yahoo_quoted, div[id^=mail-editor-reference-message]";
  private static final Set<String> BLOCKS = Set.of("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "table", "blockquote", "pre", "hr", "ul", "ol", "section", "article", "header", "footer", "dt", "dd");

  private ReplyText() {
  }

  static Split split(String text) {
    if (text == null) return new Split(null, null);
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int cut = -1;
    for (int i = 0; i < lines.length && cut < 0; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) continue;
      String withNext = i + 1 < lines.length ? line + " " + lines[i + 1].trim() : line;
      if (ATTRIBUTION.matcher(line).matches() || (line.length() < 300 && ATTRIBUTION.matcher(withNext).matches()
          && startsQuote(lines, i + 2)) || ORIGINAL.matcher(line).matches()) {
        cut = i;
      } else if (OUTLOOK_FROM.matcher(line).matches() && outlookBlock(lines, i + 1)) {
        cut = i > 0 && RULE.matcher(lines[i - 1].trim()).matches() ? i - 1 : i;
      } else if (line.startsWith(">") && restQuoted(lines, i)) {
        cut = i;
      }
    }
    if (cut <= 0) return new Split(text, null);
    String fresh = join(lines, 0, cut).strip();
    if (fresh.isEmpty()) return new Split(text, null);
    return new Split(fresh, join(lines, cut, lines.length).strip());
  }

  /** A "… wrote:" folded over two lines is an attribution only when a quote (or nothing) follows. */
  private static boolean startsQuote(String[] lines, int from) {
    for (int i = from; i < lines.length; i++) {
      String l = lines[i].trim();
      if (!l.isEmpty()) return l.startsWith(">");
    }
    return true;
  }

  private static boolean outlookBlock(String[] lines, int from) {
    for (int i = from; i < Math.min(lines.length, from + 4); i++) {
      if (OUTLOOK_NEXT.matcher(lines[i].trim()).matches()) return true;
    }
    return false;
  }

  private static boolean restQuoted(String[] lines, int from) {
    for (int i = from; i < lines.length; i++) {
      String l = lines[i].trim();
      if (!l.isEmpty() && !l.startsWith(">")) return false;
    }
    return true;
  }

  private static String join(String[] lines, int from, int to) {
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, to));
  }

  /**
   * The new part of an HTML mail as text, when the HTML marks a quote the way mail clients do (their quote
   * containers); null when it marks none.
   */
  static String freshFromHtml(String html) {
    Document doc = Jsoup.parse(html);
    if (doc.select(QUOTE_SELECTORS).isEmpty()) return null;
    for (Element quote : doc.select(QUOTE_SELECTORS)) {
      // Outlook puts the quoted mail after its header block, as siblings
      if (quote.id().equals("divRplyFwdMsg") || quote.id().equals("appendonsend")) {
        for (Element sibling : quote.nextElementSiblings()) sibling.remove();
      }
      quote.remove();
    }
    return split(toText(doc.body())).fresh();
  }

  /** Readable text of an HTML document: block elements become line breaks, scripts and styles are dropped. */
  static String htmlToText(String html) {
    return toText(Jsoup.parse(html).body());
  }

  private static String toText(Element root) {
    if (root == null) return "";
    StringBuilder sb = new StringBuilder();
    NodeTraversor.traverse(new NodeVisitor() {
      @Override
      public void head(Node node, int depth) {
        if (node instanceof TextNode t) {
          Element p = t.parentElement();
          if (p == null || !(p.nameIs("script") || p.nameIs("style") || p.nameIs("head"))) {
            sb.append(t.text());
          }
        } else if (node instanceof Element e && e.normalName().equals("br")) {
          sb.append('\n');
        } else if (node instanceof Element e && BLOCKS.contains(e.normalName()) && sb.length() > 0
            && sb.charAt(sb.length() - 1) != '\n') {
          sb.append('\n');
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element e && BLOCKS.contains(e.normalName()) && !e.normalName().equals("br")
            && sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
          sb.append('\n');
        }
      }
    }, root);
    return sb.toString().replaceAll("[ \\t\\u00a0]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
  }
}
