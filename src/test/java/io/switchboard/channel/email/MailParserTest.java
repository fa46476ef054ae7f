package io.switchboard.channel.email;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What agents see of mails as real clients write them: new text apart from the quote, decoded every way mail is encoded. */
class MailParserTest {

  @Test
  @DisplayName("the new text is separated from the quoted mail for Gmail, Apple Mail, Outlook and '>' quoting")
  void quotesSplit() {
    assertThat(ReplyText.split("Thanks, that works!\n\nOn Mon, 3 Jun 2024 at 10:02, Acme Support <support@acme.test>\nwrote:\n> It ships today.")
        .fresh()).isEqualTo("Thanks, that works!");
    assertThat(ReplyText.split("Sounds good.\n\nAm 03.06.2024 um 10:02 schrieb Acme <support@acme.test>:\n\n> Hallo")
        .fresh()).isEqualTo("Sounds good.");
    ReplyText.Split outlook = ReplyText.split("Please call me.\n\n________________________________\nFrom: Acme Support <support@acme.test>\n"
        + "Sent: Monday, June 3, 2024 10:02 AM\nTo: Carla\nSubject: Re: order\n\nIt ships today.");
    assertThat(outlook.fresh()).isEqualTo("Please call me.");
    assertThat(outlook.quoted()).startsWith("________________________________\nFrom: Acme Support");
    assertThat(ReplyText.split("See below.\n\n-----Original Message-----\nFrom: x\nold text").fresh()).isEqualTo("See below.");
    assertThat(ReplyText.split("Yes.\n\n> did it arrive?\n> \n> thanks").fresh()).isEqualTo("Yes.");
    // a mail that only quotes, or answers between the quoted lines, is kept whole
    assertThat(ReplyText.split("> question one\nanswer one\n> question two\nanswer two").quoted()).isNull();
  }

  @Test
  @DisplayName("an HTML-only reply: text comes from the HTML, and Gmail's quote container is left out of the new part")
  void htmlOnly() throws Exception {
    String raw = "From: a@b.test\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + "<div dir=\"ltr\">Works now,<br>thank you!</div><br><div class=\"gmail_quote\"><div>On Mon wrote:</div>"
        + "<blockquote>old text</blockquote></div>";
    ParsedMail m = MailParser.parse(raw.getBytes(StandardCharsets.UTF_8));
    assertThat(m.text()).contains("Works now,\nthank you!").contains("old text");
    assertThat(ReplyText.freshFromHtml(m.html())).isEqualTo("Works now,\nthank you!");
  }

  @Test
  @DisplayName("charsets and transfer encodings: quoted-printable Latin-1, base64 UTF-8, encoded words, RFC 2231 file names")
  void encodings() throws Exception {
    String raw = "From: =?ISO-8859-1?Q?Andr=E9?= <andre@b.test>\r\nTo: x@y.test\r\n"
        + "Subject: =?UTF-8?B?w4AgcHJvcG9zIGRlIG1hIGNvbW1hbmRl?=\r\nMessage-ID: <m1@b.test>\r\n"
        + "In-Reply-To: <p2@acme.test>\r\nReferences: <p1@acme.test>\r\n <p2@acme.test>\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
        + "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "Le colis est arriv=E9 ab=EEm=E9.\r\n--b\r\n"
        + "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''%C3%A9tiquette.pdf\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b\r\n"
        + "Content-Type: message/rfc822\r\n\r\nFrom: c@d.test\r\nSubject: Original\r\n\r\nforwarded body\r\n--b--\r\n";
    ParsedMail m = MailParser.parse(raw.getBytes(StandardCharsets.US_ASCII));
    assertThat(m.from().name()).isEqualTo("André");
    assertThat(m.subject()).isEqualTo("À propos de ma commande");
    assertThat(m.text()).isEqualTo("Le colis est arrivé abîmé.");
    assertThat(m.messageId()).isEqualTo("m1@b.test");
    assertThat(m.threadIds()).containsExactly("p2@acme.test", "p1@acme.test");
    assertThat(m.parts()).extracting(ParsedMail.Part::filename).containsExactly("étiquette.pdf", "Original.eml");
    assertThat(new String(m.parts().get(0).content(), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4\n");
    assertThat(m.parts().get(1).contentType()).isEqualTo("message/rfc822");
  }

  @Test
  @DisplayName("undeclared 8-bit text is read as UTF-8 when it is UTF-8, else as Windows-1252; file names never carry a path")
  void guesses() throws Exception {
    assertThat(MailParser.decode("Grüße".getBytes(StandardCharsets.UTF_8), null)).isEqualTo("Grüße");
    assertThat(MailParser.decode("Grüße".getBytes(StandardCharsets.ISO_8859_1), "us-ascii")).isEqualTo("Grüße");
    assertThat(MailParser.decode("x".getBytes(StandardCharsets.UTF_8), "no-such-charset")).isEqualTo("x");
    String raw = "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nroot\r\n--b--\r\n";
    assertThat(MailParser.parse(raw.getBytes(StandardCharsets.US_ASCII)).parts().get(0).filename()).isEqualTo("passwd");
  }
}
