package io.vecstore.bench.suite;

/**
 * One benchmark scenario of {@code bin/vecstore bench}: it measures something against the
 * context's data set and adds its figures to the report. New scenarios (many namespaces, …)
 * implement this and register in {@link Scenarios}.
 *
 * <p>Implementations are run one at a time on the main thread; they may start their own named
 * threads but must stop them before {@link #run} returns.
 */
public interface Scenario {

  /** Short stable name, used by {@code --scenarios} and as the report's section key. */
  String name();

  /** One line: what the scenario measures. */
  String description();

  void run(BenchContext context, Report report) throws Exception;
}
