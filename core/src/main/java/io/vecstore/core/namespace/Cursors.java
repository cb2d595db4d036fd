package io.vecstore.core.namespace;

import io.vecstore.core.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * The opaque cursors of paged listings (namespaces, vector ids, filtered vectors): the last key of
 * a page, base64url. Opaque so that clients do not build them; checked on the way back in.
 * Stateless.
 */
final class Cursors {

  private Cursors() {}

  static String encode(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The key in {@code cursor}, which must satisfy {@code valid}; a 400 naming the cursor otherwise. */
  static String decode(String cursor, Predicate<String> valid) {
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (valid.test(key) && encode(key).equals(cursor)) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw new InvalidRequestException("cursor is not one this server returned: " + cursor);
  }
}
