package io.vecstore.bench.suite;

import io.vecstore.core.index.Quantization;
import java.util.List;
import java.util.Locale;

/**
 * Ingest throughput: the whole base set upserted over HTTP in batches of each configured size
 * (durability {@code request}, the default), against raw Lucene indexing the same vectors with as
 * many threads as the HTTP client has. Quantization none; the query scenario adds the other
 * quantizations' ingest rates. Not thread-safe; run by {@link BenchMain}.
 */
final class IngestScenario implements Scenario {

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String description() {
    return "upsert vectors/s over HTTP (batches, durability request) vs raw Lucene addDocument";
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    int n = ctx.data().base().length;
    double luceneRate = n / ctx.lucene(Quantization.NONE).seconds();
    for (int batch : ctx.options().batches()) {
      double seconds;
      if (batch == ctx.options().indexBatch()) {
        seconds = ctx.vecstore(Quantization.NONE).seconds(); // the query scenario's index, built once
      } else {
        String ns = "ingest-b" + batch;
        ctx.server().create(ns, Quantization.NONE);
        System.out.printf(Locale.ROOT, "ingesting %d vectors into VecStore namespace %s (batch %d, %d threads)%n", n, ns, batch,
            ctx.options().threads());
        seconds = ctx.server().ingest(ns, ctx.data(), batch, ctx.options().threads());
        ctx.server().delete(ns);
      }
      report.add(new Report.Row(name(), Quantization.NONE.wireName(),
          String.format(Locale.ROOT, "batch %d, %d threads", batch, ctx.options().threads()),
          List.of(new Report.Figure("ingest", "vectors/s", n / seconds, luceneRate))));
    }
  }
}
