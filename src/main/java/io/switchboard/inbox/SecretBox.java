package io.switchboard.inbox;

import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Endpoint secrets (provider tokens, mail passwords) sealed with AES-256-GCM under {@code secrets.key} (or, with the
 * embedded database, a key the hub generated into its data directory), so a copy of the database alone gives none
 * of them away. Sealed secrets are stored as {@code {"sealed":"v1:<base64 of nonce and ciphertext>"}}; without a
 * key they are stored as they are. One key per process: it is set when the hub starts.
 */
public final class SecretBox {

  private static final String FIELD = "sealed";
  private static final String VERSION = "v1:";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static volatile SecretKeySpec key;
  /** The key before a change of key: still opens, never seals; the hub reseals with the new key at start. */
  private static volatile SecretKeySpec previous;
  /** Where the key came from, for messages: {@code secrets.key} or the generated key file. */
  private static volatile String keyName = "secrets.key";

  private SecretBox() {
  }

  /** Sets the key and the previous one (base64 of 32 bytes each, or empty for none); a malformed key is refused. */
  public static void configure(String base64Key, String base64Previous) {
    configure(base64Key, "secrets.key", base64Previous);
  }

  /** As {@link #configure(String, String)}, naming where the key came from in the messages about it. */
  public static void configure(String base64Key, String name, String base64Previous) {
    key = parse(name, base64Key);
    keyName = name;
    previous = parse("secrets.previous_key", base64Previous);
    if (previous != null && key == null) throw new IllegalArgumentException("secrets.previous_key needs a new secrets.key");
  }

  /** A new key: 32 random bytes in base64, as {@code openssl rand -base64 32} makes. */
  public static String newKey() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  private static SecretKeySpec parse(String name, String base64) {
    if (base64 == null || base64.isBlank()) return null;
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      raw = new byte[0];
    }
    if (raw.length != 32) throw new IllegalArgumentException(name + " must be 32 random bytes in base64 (openssl rand -base64 32)");
    return new SecretKeySpec(raw, "AES");
  }

  public static boolean isSealed(JsonObject stored) {
    return stored != null && stored.getValue(FIELD) instanceof String;
  }

  /** What to store: sealed when a key is set. */
  public static JsonObject seal(JsonObject secrets) {
    SecretKeySpec k = key;
    if (k == null || secrets == null || secrets.isEmpty()) return secrets;
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
      byte[] sealed = c.doFinal(secrets.encode().getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return new JsonObject().put(FIELD, VERSION + Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing endpoint secrets failed", e);
    }
  }

  /** The secrets as stored, opened when sealed (with the key, else the previous one); fails clearly otherwise. */
  public static JsonObject open(JsonObject stored) {
    if (!isSealed(stored)) return stored;
    if (key == null) throw new IllegalStateException("endpoint secrets are sealed but secrets.key is not set");
    JsonObject opened = tryOpen(stored, key);
    if (opened == null && previous != null) opened = tryOpen(stored, previous);
    if (opened == null) {
      String hint = keyName.equals("secrets.key") ? "after changing the key, give the old one as secrets.previous_key"
          : "restore that file from the backup of the data directory, or set secrets.key to the key they were sealed with";
      throw new IllegalStateException("endpoint secrets could not be opened: " + keyName + " is not the key they were sealed with"
          + " (" + hint + ")");
    }
    return opened;
  }

  /** True when the stored secrets need sealing (anew) with the current key: in the clear, or under the previous key. */
  public static boolean needsSealing(JsonObject stored) {
    if (key == null || stored == null || stored.isEmpty()) return false;
    return !isSealed(stored) || tryOpen(stored, key) == null;
  }

  private static JsonObject tryOpen(JsonObject stored, SecretKeySpec k) {
    String text = stored.getString(FIELD);
    if (!text.startsWith(VERSION)) throw new IllegalStateException("endpoint secrets are sealed in an unknown format");
    try {
      byte[] all = Base64.getDecoder().decode(text.substring(VERSION.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, all, 0, 12));
      byte[] plain = c.doFinal(all, 12, all.length - 12);
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
