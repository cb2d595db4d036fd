package io.vecstore.core;

import java.util.Map;

/**
 * The system properties that keep libraries with a call-home habit from opening connections of
 * their own: VecStore runs inside private networks and must never reach out (no telemetry, no
 * update checks, no cloud metadata probes, no downloads at run time).
 *
 * <p>Today's offender is DJL, under langchain4j's embedding models: unless told otherwise, the
 * first tokenizer it creates asks the cloud metadata address (169.254.169.254) for an instance id
 * and then requests a telemetry URL ({@code ai.djl.util.Ec2Utils}); and where the jar holds no
 * native library for the machine (a CUDA flavour, say) it downloads one from DJL's CDN. Its offline
 * mode turns off both, the opt-out turns off the first, and the CPU flavour is the one the jar
 * carries.
 *
 * <p>The one list: {@link #apply()} sets them in code, before a library's first use (the server's
 * {@code Main}, every embedder), and the launcher {@code bin/vecstore} passes the same values as
 * {@code -D} flags (a test holds the two equal). Values are forced, not defaulted: no flag may turn
 * a call home back on.
 *
 * <p>Thread-safety: {@link #apply()} may be called from any thread, any number of times.
 */
public final class NoCallHome {

  /** Property → value. DJL reads each as a system property or an environment variable. */
  public static final Map<String, String> SYSTEM_PROPERTIES = Map.of(
      "ai.djl.offline", "true",
      "OPT_OUT_TRACKING", "true",
      "RUST_FLAVOR", "cpu");

  private NoCallHome() {}

  /** Sets every property of {@link #SYSTEM_PROPERTIES}. Call before the first use of such a library. */
  public static void apply() {
    SYSTEM_PROPERTIES.forEach(System::setProperty);
  }
}
