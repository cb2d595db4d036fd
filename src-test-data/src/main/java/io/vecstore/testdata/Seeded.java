package io.vecstore.testdata;

import java.util.Random;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * JUnit extension for seeded randomness: a test method that declares a {@link Random} parameter
 * gets one seeded from {@code -Dtests.seed=N} (or a fresh seed), and when the test fails the seed
 * is added to the failure so the run can be repeated exactly.
 */
public final class Seeded implements ParameterResolver, TestExecutionExceptionHandler {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Seeded.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Random.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    String fixed = System.getProperty("tests.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime() ^ Thread.currentThread().threadId();
    e.getStore(NS).put("seed", seed);
    return new Random(seed);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext e, Throwable t) throws Throwable {
    Long seed = e.getStore(NS).get("seed", Long.class);
    if (seed == null) {
      throw t;
    }
    AssertionError withSeed = new AssertionError(
        t.getMessage() + " [reproduce with -Dtests.seed=" + seed + "]", t);
    throw withSeed;
  }
}
