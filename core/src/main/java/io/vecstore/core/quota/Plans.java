package io.vecstore.core.quota;

import io.vecstore.core.error.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plans of one server, by name: the built-in {@code free}, {@code pro} and {@code unlimited}
 * ({@link Tier}), then those of its plans file (see {@code --plans}), which adds plans or redefines
 * built-in ones. Built once by {@code Main}; immutable and thread-safe.
 */
public final class Plans {

  private static final Plans BUILT_IN = of(List.of());

  private final Map<String, Plan> byName;

  private Plans(Map<String, Plan> byName) {
    this.byName = byName;
  }

  /** The built-in plans only. */
  public static Plans builtIn() {
    return BUILT_IN;
  }

  /** The built-in plans, then {@code defined} in order; one of the same name as a built-in one replaces it in place. */
  public static Plans of(List<Plan> defined) {
    Map<String, Plan> byName = new LinkedHashMap<>();
    for (Tier t : Tier.values()) {
      byName.put(t.wireName(), t.plan());
    }
    for (Plan p : defined) {
      byName.put(p.name(), p);
    }
    return new Plans(java.util.Collections.unmodifiableMap(byName));
  }

  /** Every plan: built-in ones first, in the order above. */
  public List<Plan> all() {
    return List.copyOf(byName.values());
  }

  /** The plan named {@code name}; a 400 naming the known plans otherwise. */
  public Plan get(String name) {
    Plan p = find(name);
    if (p == null) {
      throw new InvalidRequestException("plan must be one of " + byName.keySet() + ", got: " + name);
    }
    return p;
  }

  /** The plan named {@code name}, or null when this server defines none by that name. */
  public Plan find(String name) {
    return name == null ? null : byName.get(name);
  }

  /** Whether {@code plan} is a built-in plan as built in (not redefined by a plans file). */
  public static boolean isBuiltIn(Plan plan) {
    for (Tier t : Tier.values()) {
      if (t.plan() == plan) {
        return true;
      }
    }
    return false;
  }
}
