package io.vecstore.core.quota;

import io.vecstore.core.error.InvalidRequestException;
import java.time.Duration;
import java.util.Objects;

/**
 * A quota policy's automatic growth (the guide's "Dynamic Quota Adjustment"): when a write leaves
 * the namespace's use of {@code quota} above {@code whenUtilizationAbove} of its limit, the limit
 * is multiplied by {@code factor}, up to {@code upTo} and never above the plan's ceiling, at most
 * once per {@code cooldown}.
 *
 * @param quota {@link QuotaField#MAX_VECTORS} or {@link QuotaField#MAX_STORAGE_BYTES}
 * @param whenUtilizationAbove use / limit above which the limit grows, between 0 and 1 (exclusive)
 * @param factor what the limit is multiplied by, above 1 and at most {@link #MAX_FACTOR}
 * @param upTo how far it may grow: the plan's ceiling, or a number (still never above the ceiling)
 * @param cooldown the least time between two growths, 0 to {@link #MAX_COOLDOWN_MINUTES} minutes
 */
public record AutoGrow(QuotaField quota, double whenUtilizationAbove, double factor, UpTo upTo, Duration cooldown) {

  public static final double DEFAULT_THRESHOLD = 0.85;
  public static final double DEFAULT_FACTOR = 1.5;
  public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);
  public static final double MAX_FACTOR = 1000;
  /** A year. */
  public static final long MAX_COOLDOWN_MINUTES = 525_600;

  /** The wire path of these fields in requests, namespace.json and plans files, for messages. */
  public static final String PATH = "quota_policy.auto_grow";

  /** How far a policy may grow a quota. */
  public sealed interface UpTo {
    /** To the plan's ceiling (unbounded when the plan has none for this quota). */
    record Ceiling() implements UpTo {}

    /** To {@code value}, or the plan's ceiling if that is lower. */
    record AtMost(long value) implements UpTo {
      public AtMost {
        if (value < 1) {
          throw new InvalidRequestException(PATH + ".up_to must be \"ceiling\" or a positive integer, got: " + value);
        }
      }
    }

    UpTo CEILING = new Ceiling();
  }

  public AutoGrow {
    Objects.requireNonNull(quota, "quota");
    if (quota != QuotaField.MAX_VECTORS && quota != QuotaField.MAX_STORAGE_BYTES) {
      throw new InvalidRequestException(PATH + ".quota must be one of [max_vectors, max_storage_bytes], got: "
          + quota.wireName());
    }
    if (!(whenUtilizationAbove > 0 && whenUtilizationAbove < 1)) {
      throw new InvalidRequestException(PATH + ".when_utilization_above must be above 0 and below 1, got: "
          + QuotaGuard.plain(whenUtilizationAbove));
    }
    if (!(factor > 1 && factor <= MAX_FACTOR)) {
      throw new InvalidRequestException(PATH + ".factor must be above 1 and at most " + (long) MAX_FACTOR + ", got: "
          + (Double.isFinite(factor) ? QuotaGuard.plain(factor) : Double.toString(factor)));
    }
    Objects.requireNonNull(upTo, "upTo");
    if (cooldown.isNegative() || cooldown.toMinutes() > MAX_COOLDOWN_MINUTES) {
      throw new InvalidRequestException(PATH + ".cooldown_minutes must be between 0 and " + MAX_COOLDOWN_MINUTES
          + ", got: " + cooldown.toMinutes());
    }
  }

  /** The guide's example for {@code quota}: above 0.85, times 1.5, up to the ceiling, every 10 minutes at most. */
  public static AutoGrow of(QuotaField quota) {
    return new AutoGrow(quota, DEFAULT_THRESHOLD, DEFAULT_FACTOR, UpTo.CEILING, DEFAULT_COOLDOWN);
  }

  /** Whether {@code used} of {@code limit} is above the threshold. */
  public boolean triggers(long used, long limit) {
    return limit == 0 ? used > 0 : (double) used / limit > whenUtilizationAbove;
  }

  /**
   * The limit {@code current} grows to under this policy and the plan's {@code ceiling} (null: none):
   * {@code current × factor} (at least one more), capped by {@code upTo} and the ceiling; {@code current}
   * itself when it may not grow.
   */
  public long grown(long current, Long ceiling) {
    double scaled = Math.floor(current * factor);
    long target = scaled >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(current + 1, (long) scaled);
    long cap = switch (upTo) {
      case UpTo.Ceiling c -> ceiling == null ? Long.MAX_VALUE : ceiling;
      case UpTo.AtMost a -> ceiling == null ? a.value() : Math.min(a.value(), ceiling);
    };
    return Math.max(current, Math.min(target, cap));
  }
}
