package io.vecstore.bench.suite;

import io.vecstore.bench.BenchUtil;
import io.vecstore.bench.dataset.Dataset;

/**
 * A namespace of the in-process server holding the data set, as a query target over HTTP.
 * Query bodies reuse each query vector's JSON text, built once. Thread-safe.
 */
final class VecStoreNamespace implements SearchTarget {

  private final VecStoreServer server;
  private final String path;
  private final String[] vectorJson;

  VecStoreNamespace(VecStoreServer server, String namespace, Dataset data) {
    this.server = server;
    this.path = "/v1/namespaces/" + namespace + "/query";
    this.vectorJson = new String[data.queries().length];
    for (int q = 0; q < vectorJson.length; q++) {
      StringBuilder b = new StringBuilder(data.dimension() * 12);
      VecStoreServer.appendVector(b, data.queries()[q]);
      vectorJson[q] = b.toString();
    }
  }

  @Override
  public int[] search(int q, int k, int numCandidates, Dataset.Filter filter) throws Exception {
    StringBuilder b = new StringBuilder(vectorJson[q].length() + 160);
    b.append("{\"vector\":").append(vectorJson[q]).append(",\"k\":").append(k).append(",\"include_metadata\":false");
    if (numCandidates > 0) {
      b.append(",\"num_candidates\":").append(numCandidates);
    }
    if (filter != null) {
      b.append(",\"filter\":\"category ");
      if (filter.categories().size() == 1) {
        b.append("= '").append(filter.categories().getFirst()).append('\'');
      } else {
        b.append("IN [");
        for (int i = 0; i < filter.categories().size(); i++) {
          b.append(i > 0 ? ", '" : "'").append(filter.categories().get(i)).append('\'');
        }
        b.append(']');
      }
      b.append('"');
    }
    b.append('}');
    return BenchUtil.replyIds(server.post(path, b.toString()), k);
  }
}
