package io.vecstore.bench.suite;

import java.util.List;

/** The registry of scenarios, in run order. Immutable; thread-safe. */
public final class Scenarios {

  private static final List<Scenario> ALL = List.of(new IngestScenario(), new QueryScenario());

  private Scenarios() {}

  public static List<Scenario> all() {
    return ALL;
  }

  /** The scenarios named in {@code names} (in registry order), or an error naming the known ones. */
  public static List<Scenario> select(List<String> names) {
    for (String n : names) {
      if (ALL.stream().noneMatch(s -> s.name().equals(n))) {
        throw new IllegalArgumentException("scenario must be one of " + ALL.stream().map(Scenario::name).toList() + ", got: " + n);
      }
    }
    return ALL.stream().filter(s -> names.contains(s.name())).toList();
  }
}
