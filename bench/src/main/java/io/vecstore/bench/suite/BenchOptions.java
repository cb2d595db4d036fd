package io.vecstore.bench.suite;

import io.vecstore.core.index.Quantization;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code bin/vecstore bench} runs, from its flags.
 *
 * @param quick the seeded synthetic set instead of the real embeddings
 * @param out where results.json and results.md go
 * @param dataDir the real data set's directory (built there when missing)
 * @param workDir parent of the temporary server data and Lucene directories
 * @param threads HTTP client threads for ingest, and raw-Lucene indexing threads
 * @param concurrencies query client threads to measure at
 * @param candidates num_candidates sweep; 0 stands for the namespace default
 * @param queries at most this many queries per measured run
 * @param warmup queries run unmeasured on each index before its first measured run
 * @param batches upsert batch sizes of the ingest scenario (the last one also builds the query indexes)
 * @param seed the synthetic set's seed
 * @param base only this many base vectors of the real set (0 = all)
 */
public record BenchOptions(
    boolean quick, Path out, Path dataDir, Path workDir, int threads, List<Integer> concurrencies,
    List<Integer> candidates, List<Quantization> quantizations, List<String> scenarios, int queries, int warmup,
    List<Integer> batches, long seed, int base) {

  public BenchOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got: " + threads);
    }
    if (queries < 1) {
      throw new IllegalArgumentException("queries must be at least 1, got: " + queries);
    }
    for (int b : batches) {
      if (b < 1 || b > 1000) {
        throw new IllegalArgumentException("batch sizes must be between 1 and 1000, got: " + b);
      }
    }
    for (int c : candidates) {
      if (c < 0 || c > 10_000) {
        throw new IllegalArgumentException("num_candidates must be between 0 (default) and 10000, got: " + c);
      }
    }
    concurrencies = List.copyOf(concurrencies);
    candidates = List.copyOf(candidates);
    quantizations = List.copyOf(quantizations);
    scenarios = List.copyOf(scenarios);
    batches = List.copyOf(batches);
  }

  /** The batch size the query indexes are built with. */
  int indexBatch() {
    return batches.getLast();
  }
}
