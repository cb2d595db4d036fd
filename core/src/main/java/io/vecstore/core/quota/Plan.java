package io.vecstore.core.quota;

import io.vecstore.core.error.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A plan a namespace is on: the quotas it starts with, its ceilings (the most each quota may be
 * set to within the plan without the admin's override; null: no ceiling) and the quota policy its
 * namespaces follow unless they have their own. The built-in plans ({@link Tier}) have their own
 * quotas as ceilings and no policy; a plans file adds or redefines plans. Immutable.
 *
 * <p>Checked at construction: a name of lower-case letters, digits, {@code _} and {@code -}; no
 * quota above its ceiling, and none unlimited where there is a ceiling. The messages name the
 * plan, the field and the value; a plans file that breaks a rule stops the server at start.
 */
public record Plan(String name, String description, Quotas quotas, Quotas ceilings, QuotaPolicy policy) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** The wire name of the ceilings object, in plans files and responses. */
  public static final String CEILINGS = "ceilings";

  public Plan {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("plan names must match " + NAME.pattern() + ", got: " + name);
    }
    Objects.requireNonNull(quotas, "quotas");
    Objects.requireNonNull(ceilings, "ceilings");
    Objects.requireNonNull(policy, "policy");
    for (QuotaField f : QuotaField.values()) {
      Number quota = f.of(quotas);
      Number ceiling = f.of(ceilings);
      if (ceiling != null && exceeds(f, quota, ceiling)) {
        throw new IllegalArgumentException("plan " + name + ": " + CEILINGS + "." + f.wireName()
            + " must be at least the plan's own " + f.wireName() + " (" + format(quota) + "), got: " + format(ceiling));
      }
    }
  }

  /** The ceiling of {@code field}, or null when there is none. */
  public Number ceiling(QuotaField field) {
    return field.of(ceilings);
  }

  /** The first of {@code values} (a null value: unlimited) above its ceiling, in {@link QuotaField} order; null if none. */
  public QuotaField firstExceeding(Map<QuotaField, ? extends Number> values) {
    for (QuotaField f : QuotaField.values()) {
      Number ceiling = ceiling(f);
      if (values.containsKey(f) && ceiling != null && exceeds(f, values.get(f), ceiling)) {
        return f;
      }
    }
    return null;
  }

  /** Every quota of {@code q} by field, for {@link #firstExceeding}. */
  public static Map<QuotaField, Number> all(Quotas q) {
    Map<QuotaField, Number> out = new LinkedHashMap<>();
    for (QuotaField f : QuotaField.values()) {
      out.put(f, f.of(q));
    }
    return out;
  }

  /**
   * The 400 {@code exceeds_plan} for {@code value} of {@code field} above this plan's ceiling:
   * {@code max_vectors 10001 exceeds plan free's ceiling of 10000}, with {@code quota},
   * {@code value} (null: unlimited), {@code ceiling} and {@code plan}.
   */
  public InvalidRequestException exceeded(QuotaField field, Number value) {
    Number ceiling = ceiling(field);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("quota", field.wireName());
    details.put("value", value);
    details.put("ceiling", ceiling);
    details.put("plan", name);
    return new InvalidRequestException(InvalidRequestException.EXCEEDS_PLAN, field.wireName() + " " + format(value)
        + " exceeds plan " + name + "'s ceiling of " + format(ceiling), details);
  }

  /** Whether {@code value} (null: unlimited) is above {@code ceiling} (set). */
  static boolean exceeds(QuotaField f, Number value, Number ceiling) {
    if (value == null) {
      return true;
    }
    return f.kind() == QuotaField.Kind.NUMBER
        ? value.doubleValue() > ceiling.doubleValue()
        : value.longValue() > ceiling.longValue();
  }

  /** {@code 10000}, {@code 2.5}, or {@code unlimited}: quota values in messages. */
  public static String format(Number value) {
    if (value == null) {
      return "unlimited";
    }
    return value instanceof Double d ? QuotaGuard.plain(d) : value.toString();
  }
}
