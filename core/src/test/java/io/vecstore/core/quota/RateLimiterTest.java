package io.vecstore.core.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.testdata.Seeded;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeded.class)
class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void neverAdmitsMoreThanTheLimitInAnyOneSecondInterval(Random random) {
    for (double limit : new double[] {1, 3, 10, 57.5}) {
      RateLimiter limiter = new RateLimiter();
      List<Long> admitted = new ArrayList<>();
      long now = 0;
      for (int i = 0; i < 5000; i++) {
        now += (long) (random.nextDouble() * 2 * SECOND / (limit * 3)); // arrivals ~3x the limit
        if (limiter.tryAcquire(limit, now) == 0) {
          admitted.add(now);
        }
      }
      int cap = (int) Math.floor(limit);
      for (int i = cap; i < admitted.size(); i++) {
        assertTrue(admitted.get(i) - admitted.get(i - cap) >= SECOND,
            "more than " + cap + " admitted within one second at " + admitted.get(i) + " (limit " + limit + ")");
      }
      // A sliding window, not a fixed one: over a long run the admitted rate approaches the limit.
      double rate = (admitted.size() - 1) * (double) SECOND / (admitted.getLast() - admitted.getFirst());
      assertTrue(rate > cap * 0.75, "rate " + rate + " for limit " + limit);
    }
  }

  @Test
  void rejectedCallsAreNotCounted() {
    RateLimiter limiter = new RateLimiter();
    assertEquals(0, limiter.tryAcquire(2, 0));
    assertEquals(0, limiter.tryAcquire(2, 100));
    for (int i = 0; i < 100; i++) {
      assertTrue(limiter.tryAcquire(2, 200 + i) > 0);
    }
    // The first admission leaves the window at exactly one second: a new one fits, rejections did not count.
    assertEquals(0, limiter.tryAcquire(2, SECOND));
    assertTrue(limiter.tryAcquire(2, SECOND + 1) > 0);
    assertEquals(0, limiter.tryAcquire(2, SECOND + 100));
  }

  @Test
  void waitIsUntilTheOldestAdmissionLeavesTheWindow() {
    RateLimiter limiter = new RateLimiter();
    limiter.tryAcquire(1, 0);
    assertEquals(SECOND - 250, limiter.tryAcquire(1, 250));
  }

  @Test
  void fractionalLimitBelowOneIsOneRequestPerLongerWindow() {
    RateLimiter limiter = new RateLimiter();
    assertEquals(0, limiter.tryAcquire(0.5, 0));
    assertTrue(limiter.tryAcquire(0.5, SECOND) > 0);
    assertEquals(0, limiter.tryAcquire(0.5, 2 * SECOND));
  }

  @Test
  void zeroRejectsEverything() {
    assertTrue(new RateLimiter().tryAcquire(0, 0) > 0);
  }

  @Test
  void limitChangesApplyAtOnce() {
    RateLimiter limiter = new RateLimiter();
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.tryAcquire(10, i));
    }
    assertTrue(limiter.tryAcquire(3, 10) > 0, "5 admitted already, over the new limit of 3");
    assertEquals(0, limiter.tryAcquire(20, 11));
  }

  @Test
  void hugeLimitsCostMemoryOnlyForAdmittedRequests() {
    RateLimiter limiter = new RateLimiter();
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, limiter.tryAcquire(1e12, i)); // would be terabytes if sized by the limit
    }
  }

  @Test
  void loweredLimitWaitsUntilEnoughAdmissionsLeaveTheWindow() {
    RateLimiter limiter = new RateLimiter();
    for (int i = 0; i < 10; i++) {
      assertEquals(0, limiter.tryAcquire(100, i * 1000L));
    }
    // Limit 2 now: 10 in the window; the 9th oldest (at 8000) must leave before a new one fits.
    assertEquals(8000 + SECOND - 20_000, limiter.tryAcquire(2, 20_000));
    assertEquals(0, limiter.tryAcquire(2, SECOND + 8000));
  }

  @Test
  void messagesPrintLimitsWithoutTrailingZero() {
    assertEquals("10", QuotaGuard.plain(10.0));
    assertEquals("2.5", QuotaGuard.plain(2.5));
    assertEquals("100", QuotaGuard.plain(100));
  }
}
