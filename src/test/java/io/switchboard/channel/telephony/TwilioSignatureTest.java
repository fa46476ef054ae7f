package io.switchboard.channel.telephony;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator against the example vectors published with Twilio's request-validation libraries (token 12345). */
class TwilioSignatureTest {

  private static final String TOKEN = "12345";
  private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
  private static final Map<String, List<String>> PARAMS = Map.of(
      "CallSid", List.of("CA1234567890ABCDE"), "Caller", List.of("+14158675309"), "Digits", List.of("1234"),
      "From", List.of("+14158675309"), "To", List.of("+18005551212"));

  @Test
  @DisplayName("the documented example signature is accepted; a changed value, URL or token is not")
  void documentedVector() {
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isTrue();
    assertThat(TwilioSignature.valid(TOKEN, URL + "&x=1", PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isFalse();
    assertThat(TwilioSignature.valid("54321", URL, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, Map.of("Digits", List.of("9999")), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, null)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, "")).isFalse();
  }

  @Test
  @DisplayName("repeated parameters sign each pair with their values sorted")
  void repeatedParameters() {
    Map<String, List<String>> repeated = Map.of("Sid", List.of("CA123"), "SidAccount", List.of("AC123"),
        "Digits", List.of("5678", "1234", "1234"));
    assertThat(TwilioSignature.valid(TOKEN, URL, repeated, "IK+Dwps556ElfBT0I3Rgjkr1wJU=")).isTrue();
  }

  @Test
  @DisplayName("the URL is accepted with its port removed or the default port added, as the provider's libraries do")
  void portVariants() {
    assertThat(TwilioSignature.valid(TOKEN, URL.replace(".com", ".com:1234"), PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isTrue();
    // signed over https://mycompany.com:443/…, received as https://mycompany.com/…
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w=")).isTrue();
    assertThat(TwilioSignature.valid(TOKEN, URL.replace("https", "http"), PARAMS, "0ZXoZLH/DfblKGATFgpif+LLRf4=")).isTrue();
    assertThat(TwilioSignature.valid(TOKEN, URL.replace(".com", ".com:1234").replace("https", "http"), PARAMS,
        "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")).isTrue();
  }

  @Test
  @DisplayName("a JSON body is checked through bodySHA256 in the signed URL")
  void jsonBody() {
    byte[] body = "{\"property\": \"value\", \"boolean\": true}".getBytes(StandardCharsets.UTF_8);
    String url = URL + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    assertThat(TwilioSignature.validJson(TOKEN, url, body, "a9nBmqA0ju/hNViExpshrM61xv4=")).isTrue();
    assertThat(TwilioSignature.validJson(TOKEN, url, "{\"property\": \"other\"}".getBytes(StandardCharsets.UTF_8),
        "a9nBmqA0ju/hNViExpshrM61xv4=")).isFalse();
    assertThat(TwilioSignature.validJson(TOKEN, URL, body, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).isFalse();
  }
}
