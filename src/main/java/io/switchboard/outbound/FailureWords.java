package io.switchboard.outbound;

import io.switchboard.outbound.SendFailure.Cause;

/**
 * A failed or retried send in words an agent can act on: what went wrong and who can put it right, by cause and
 * channel. The provider's own code and text stay beside it as the details; this leads.
 */
public final class FailureWords {

  private FailureWords() {
  }

  /** Who can put a failure right: an admin (settings), the agent (the contact's data, the message), or time. */
  public static String fixer(Cause cause) {
    return switch (cause) {
      case UNREACHABLE, AUTH_REFUSED, NOT_CONFIGURED, ENDPOINT_DISABLED, PROVIDER_ERROR -> "admin";
      case INVALID_RECIPIENT, WINDOW_CLOSED, REFUSED, ATTACHMENT, GONE -> "agent";
      case RATE_LIMITED, UNKNOWN -> null;
    };
  }

  public static String explain(Cause cause, String channel) {
    String ch = channel == null ? "" : channel;
    return switch (cause) {
      case UNREACHABLE -> switch (ch) {
        case "phone" -> "The SMS provider could not be reached. An admin can check the Twilio settings.";
        case "email" -> "The mail server could not be reached. An admin can check the outgoing mail server (SMTP) settings.";
        case "whatsapp", "messenger", "instagram" -> "Meta's Graph API could not be reached. An admin can check the "
            + name(ch) + " settings and the hub's connection.";
        case "api" -> "The integration's callback URL could not be reached. An admin can check the API endpoint's callback URL.";
        default -> "The provider could not be reached. An admin can check the endpoint's settings.";
      };
      case AUTH_REFUSED -> switch (ch) {
        case "phone" -> "Twilio refused the account credentials. An admin can check the account SID and auth token of this number.";
        case "email" -> "The mail server refused the login. An admin can check the SMTP user name and password.";
        case "whatsapp", "messenger", "instagram" -> "Meta refused the access token: it is invalid or has expired. "
            + "An admin can set a new access token on the " + name(ch) + " endpoint.";
        case "api" -> "The integration refused the hub's request. An admin can check the API endpoint's callback URL.";
        default -> "The provider refused the endpoint's credentials. An admin can check the endpoint's settings.";
      };
      case NOT_CONFIGURED -> switch (ch) {
        case "phone" -> "This number has no Twilio account to send with. An admin can add the account SID and auth token.";
        case "email" -> "This address has no outgoing mail server. An admin can set one up in the endpoint's settings.";
        case "whatsapp", "messenger", "instagram" -> "This " + name(ch)
            + " endpoint is not set up to send (an access token or the Meta app secret is missing). An admin can complete its settings.";
        case "api" -> "This API endpoint has no callback URL to deliver replies to. An admin can set one.";
        default -> "This endpoint is not set up to send. An admin can complete its settings.";
      };
      case ENDPOINT_DISABLED -> "Sending is switched off on this " + name(ch) + " endpoint. An admin can enable it in Settings.";
      case PROVIDER_ERROR -> "The " + provider(ch) + " had a problem on its side. Trying again later usually helps; "
          + "if it keeps failing, an admin can check the " + provider(ch) + ".";
      case RATE_LIMITED -> "The " + provider(ch) + " is limiting how fast we send. Try again in a few minutes.";
      case INVALID_RECIPIENT -> switch (ch) {
        case "phone" -> "The recipient's number is not valid or cannot receive text messages. Check the contact's phone number.";
        case "whatsapp" -> "The recipient's number cannot receive WhatsApp messages. Check the contact's phone number.";
        case "email" -> "The mail server refused the recipient's address. Check the contact's e-mail address.";
        default -> "The recipient cannot be reached at this address. Check the contact's details.";
      };
      case WINDOW_CLOSED -> ch.equals("whatsapp")
          ? "The 24-hour WhatsApp window is closed: send a template."
          : "The 24-hour messaging window is closed: the customer has to write first.";
      case REFUSED -> "The " + provider(ch) + " refused this message. The details say why; change the message and send it again.";
      case ATTACHMENT -> "An attachment could not be sent. Remove or replace it and send the message again.";
      case GONE -> "The message, its conversation or its endpoint no longer exists.";
      case UNKNOWN -> "The message could not be sent. The details say what the provider answered.";
    };
  }

  /** While a send is being retried: what the last attempt ran into, in a few words. */
  public static String shortly(Cause cause, String channel) {
    return switch (cause) {
      case UNREACHABLE -> "the " + provider(channel) + " could not be reached";
      case AUTH_REFUSED -> "the " + provider(channel) + " refused the credentials";
      case PROVIDER_ERROR -> "the " + provider(channel) + " had a problem";
      case RATE_LIMITED -> "the " + provider(channel) + " asked us to slow down";
      default -> "the last attempt failed";
    };
  }

  private static String provider(String ch) {
    return switch (ch == null ? "" : ch) {
      case "phone" -> "SMS provider";
      case "email" -> "mail server";
      case "whatsapp", "messenger", "instagram" -> "Meta Graph API";
      case "api" -> "integration";
      default -> "provider";
    };
  }

  private static String name(String ch) {
    return switch (ch == null ? "" : ch) {
      case "phone" -> "phone";
      case "email" -> "e-mail";
      case "whatsapp" -> "WhatsApp";
      case "messenger" -> "Messenger";
      case "instagram" -> "Instagram";
      case "widget" -> "website chat";
      case "api" -> "API";
      default -> ch;
    };
  }
}
