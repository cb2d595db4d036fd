package io.vecstore.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Making and checking keys. A key reads {@code vsk_<id>_<secret>}: the id (64 random bits, hex)
 * finds the stored key, the secret (256 random bits, base64url) proves possession; only a salted
 * hash of the whole key is stored, and hashes are compared in constant time. Thread-safe.
 */
public final class ApiKeys {

  private static final Pattern FORMAT = Pattern.compile("vsk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new key and what to store of it. */
  public record Created(String key, StoredKey stored) {}

  public static Created create(String name, KeyRole role, Instant now) {
    byte[] idBytes = new byte[8];
    byte[] secret = new byte[32];
    byte[] salt = new byte[16];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secret);
    RANDOM.nextBytes(salt);
    String id = HexFormat.of().formatHex(idBytes);
    String key = "vsk_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Created(key, new StoredKey(id, name, role, salt, hash(salt, key), now, null));
  }

  /** The id part of a presented key, or null when it is not shaped like one of ours. */
  public static String idOf(String presented) {
    Matcher m = FORMAT.matcher(presented);
    return m.matches() ? m.group(1) : null;
  }

  /** Whether {@code presented} is the key stored as {@code stored}; constant time in the hash. */
  public static boolean matches(StoredKey stored, String presented) {
    return MessageDigest.isEqual(stored.hash(), hash(stored.salt(), presented));
  }

  /** Constant-time comparison of two secrets (e.g. the admin key), whatever their lengths. */
  public static boolean secretEquals(String expected, String presented) {
    return MessageDigest.isEqual(sha256(expected.getBytes(StandardCharsets.UTF_8)),
        sha256(presented.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] hash(byte[] salt, String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] input = new byte[salt.length + k.length];
    System.arraycopy(salt, 0, input, 0, salt.length);
    System.arraycopy(k, 0, input, salt.length, k.length);
    return sha256(input);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
