package io.switchboard.channel.email;

import io.switchboard.testing.HubConfig;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** STARTTLS on the listener, with a certificate made for the test by the JDK's keytool. */
@WithHub
class SmtpTlsTest {

  static TestHub hub;
  static long inbox;

  /** The listener's certificate and key, made for this run. */
  @HubConfig
  static Map<String, Object> certificate() throws Exception {
    Path dir = Files.createTempDirectory("sb-tls");
    Path store = dir.resolve("cert.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey("smtp", "changeit".toCharArray());
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
    Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n"
        + b64.encodeToString(ks.getCertificate("smtp").getEncoded()) + "\n-----END CERTIFICATE-----\n");
    return Map.of("smtp.tls_cert_path", dir.resolve("cert.pem").toString(),
        "smtp.tls_key_path", dir.resolve("key.pem").toString());
  }

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Secure");
    Mail.endpoint(hub, inbox, "secure@tls.test", null);
  }

  @Test
  @DisplayName("with a certificate configured the listener offers STARTTLS, and a client that requires TLS delivers through it")
  void startTls() throws Exception {
    try (Mail.Wire w = new Mail.Wire(hub)) {
      w.reply();
      assertThat(w.cmd("EHLO client.test")).contains("STARTTLS");
      assertThat(w.cmd("STARTTLS now")).startsWith("501 ");
    }
    Session s = Mail.session(hub);
    s.getProperties().put("mail.smtp.starttls.enable", "true");
    s.getProperties().put("mail.smtp.starttls.required", "true");
    s.getProperties().put("mail.smtp.ssl.trust", "127.0.0.1");
    Mail.send(s, Mail.message(s, "tess@customer.test", "secure@tls.test", "Over TLS", "encrypted on the way"));
    JsonObject conv = Mail.conversations(hub.admin(), inbox).getJsonObject(0);
    assertThat(conv.getString("subject")).isEqualTo("Over TLS");
    JsonObject email = Mail.activities(hub.admin(), conv.getLong("id")).getJsonObject(0).getJsonObject("data").getJsonObject("email");
    assertThat(email.getJsonObject("envelope").getBoolean("tls")).isTrue();
    assertThat(email.getJsonObject("headers").getJsonArray("received").getString(0)).contains("with ESMTPS");
  }
}
