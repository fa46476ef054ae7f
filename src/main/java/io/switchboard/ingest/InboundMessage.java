package io.switchboard.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one normal form every channel adapter produces. Routing, contacts, conversations and events are decided
 * from it once, in {@link Ingest}.
 *
 * @param channel         the endpoint's channel: email, phone, whatsapp, messenger, instagram, widget, api
 * @param endpointAddress the address it was sent to, in normal form (lower-case e-mail, E.164, provider id, key)
 * @param senderAddress   the sender's address on the channel (their identity)
 * @param senderName      a display name, if the channel gave one
 * @param providerId      the provider's id of the message (MessageSid, wamid, Message-ID): redeliveries of the
 *                        same id to the same endpoint are stored once; null disables the check
 * @param sentAt          when the provider says it was sent, if it says
 * @param kind            {@code message}, {@code call} or {@code voicemail}
 * @param thread          e-mail threading hints, or null
 * @param data            channel details kept on the activity (headers, media status, call data)
 * @param direction       {@code in} (the default), or {@code out} for a message the endpoint itself sent outside the
 *                        hub (a connected mailbox's Sent folder): then {@code senderAddress} and {@code senderName}
 *                        name the contact it was sent to, and {@code author} who wrote it
 * @param author          for {@code out}: the name shown as the activity's sender
 */
public record InboundMessage(String channel, String endpointAddress, String senderAddress, String senderName,
                             String providerId, Instant sentAt, String kind, String subject, String text, String html,
                             List<Attachment> attachments, Thread thread, JsonObject data, String direction,
                             String author) {

  public boolean outbound() {
    return "out".equals(direction);
  }

  /** This message with other channel details. */
  public InboundMessage withData(JsonObject other) {
    return new InboundMessage(channel, endpointAddress, senderAddress, senderName, providerId, sentAt, kind, subject,
        text, html, attachments, thread, other, direction, author);
  }

  /** A builder holding everything this message holds, to change some of it. */
  public Builder toBuilder() {
    Builder b = builder(channel, endpointAddress, senderAddress).senderName(senderName).providerId(providerId)
        .sentAt(sentAt).kind(kind).subject(subject).text(text).html(html).thread(thread).data(data);
    b.direction = direction;
    b.author = author;
    attachments.forEach(b::attachment);
    return b;
  }

  /**
   * A file that came with the message. {@code content} is null when it could not be fetched; the message is kept
   * and the attachment recorded as failed with {@code error}.
   */
  public record Attachment(String filename, String contentType, Buffer content, String contentId, boolean inline,
                           String sourceUrl, String error) {
  }

  /**
   * E-mail threading: the conversation token from a {@code reply+<token>@} recipient, and the Message-IDs the
   * mail answers (In-Reply-To first, then References newest first).
   */
  public record Thread(String token, List<String> references) {
  }

  public static Builder builder(String channel, String endpointAddress, String senderAddress) {
    return new Builder(channel, endpointAddress, senderAddress);
  }

  public static final class Builder {
    private final String channel;
    private final String endpointAddress;
    private final String senderAddress;
    private String senderName;
    private String providerId;
    private Instant sentAt;
    private String kind = "message";
    private String subject;
    private String text;
    private String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private Thread thread;
    private JsonObject data = new JsonObject();
    private String direction = "in";
    private String author;

    private Builder(String channel, String endpointAddress, String senderAddress) {
      this.channel = channel;
      this.endpointAddress = endpointAddress;
      this.senderAddress = senderAddress;
    }

    public Builder senderName(String v) {
      senderName = v;
      return this;
    }

    public Builder providerId(String v) {
      providerId = v;
      return this;
    }

    public Builder sentAt(Instant v) {
      sentAt = v;
      return this;
    }

    public Builder kind(String v) {
      kind = v;
      return this;
    }

    public Builder subject(String v) {
      subject = v;
      return this;
    }

    public Builder text(String v) {
      text = v;
      return this;
    }

    public Builder html(String v) {
      html = v;
      return this;
    }

    public Builder attachment(Attachment a) {
      attachments.add(a);
      return this;
    }

    public Builder thread(Thread t) {
      thread = t;
      return this;
    }

    public Builder data(JsonObject d) {
      data = d == null ? new JsonObject() : d;
      return this;
    }

    /** A message the endpoint sent itself; the builder's address and name then describe the recipient. */
    public Builder outbound(String authorName) {
      direction = "out";
      author = authorName;
      return this;
    }

    public InboundMessage build() {
      return new InboundMessage(channel, endpointAddress, senderAddress, senderName, providerId, sentAt, kind, subject,
          text, html, List.copyOf(attachments), thread, data, direction, author);
    }
  }
}
