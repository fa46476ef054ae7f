package io.switchboard.ingest;

import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * Inbound HTML (e-mail, the API channel) as it may be shown to agents: formatting, tables, links and images kept; scripts, event handlers,
 * forms, frames, {@code <style>} blocks and {@code javascript:} URLs removed (OWASP Java HTML Sanitizer). Inline
 * images keep their {@code cid:} source, which the agent app maps to the attachment with that content id.
 */
public final class SafeHtml {

  private static final String[] TABLE = {"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"};
  private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
      .allowCommonInlineFormattingElements()
      .allowCommonBlockElements()
      .allowElements(TABLE)
      .allowElements("a", "img", "hr", "br", "pre", "code", "blockquote", "center", "font", "span", "div", "dl", "dt", "dd")
      .allowUrlProtocols("http", "https", "mailto", "tel", "cid")
      .allowAttributes("href", "title").onElements("a")
      .allowAttributes("src", "alt", "title", "width", "height").onElements("img")
      .allowAttributes("colspan", "rowspan", "align", "valign", "width", "height", "bgcolor", "border", "cellpadding",
          "cellspacing").onElements(TABLE)
      .allowAttributes("color", "face", "size").onElements("font")
      .allowAttributes("dir", "lang", "align", "title").globally()
      .allowStyling()
      .requireRelsOnLinks("noopener", "noreferrer")
      .toFactory();

  private SafeHtml() {
  }

  public static String sanitize(String html) {
    return html == null ? null : POLICY.sanitize(html);
  }
}
