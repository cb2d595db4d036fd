package io.vecstore.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.quota.Operation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void createdKeysMatchOnlyThemselves() {
    ApiKeys.Created a = ApiKeys.create("a", KeyRole.READ, Instant.EPOCH);
    ApiKeys.Created b = ApiKeys.create("b", KeyRole.WRITE, Instant.EPOCH);
    assertTrue(a.key().matches("vsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), a.key());
    assertEquals(a.stored().id(), ApiKeys.idOf(a.key()));
    assertTrue(ApiKeys.matches(a.stored(), a.key()));
    assertFalse(ApiKeys.matches(a.stored(), b.key()));
    String tampered = a.key().substring(0, a.key().length() - 1) + (a.key().endsWith("A") ? "B" : "A");
    assertFalse(ApiKeys.matches(a.stored(), tampered));
    assertNotEquals(a.stored().id(), b.stored().id());
    assertEquals(32, a.stored().hash().length);
    assertFalse(new String(a.stored().hash(), java.nio.charset.StandardCharsets.ISO_8859_1).contains(a.key()));
  }

  @Test
  void idOfRejectsAnythingNotShapedLikeAKey() {
    assertNull(ApiKeys.idOf("hello"));
    assertNull(ApiKeys.idOf("vsk_XYZ_abc"));
    assertNull(ApiKeys.idOf(""));
  }

  @Test
  void secretComparisonIgnoresLengthDifferences() {
    assertTrue(ApiKeys.secretEquals("admin-key-0123456789", "admin-key-0123456789"));
    assertFalse(ApiKeys.secretEquals("admin-key-0123456789", "admin-key-012345678"));
    assertFalse(ApiKeys.secretEquals("admin-key-0123456789", ""));
  }

  @Test
  void rolesAllowWhatTheySay() {
    assertTrue(KeyRole.READ.allows(Operation.QUERY));
    assertTrue(KeyRole.READ.allows(Operation.FETCH));
    assertFalse(KeyRole.READ.allows(Operation.UPSERT));
    assertFalse(KeyRole.READ.allows(Operation.DELETE));
    assertTrue(KeyRole.WRITE.allows(Operation.DELETE));
  }
}
