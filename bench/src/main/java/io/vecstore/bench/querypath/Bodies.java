package io.vecstore.bench.querypath;

import java.nio.charset.StandardCharsets;

/**
 * Request bodies of the query-path bench, built with a StringBuilder (no JSON tree, no boxed
 * floats): an upsert batch holds ids and vectors only (no metadata, so the server's document is
 * the raw baseline's: a stored id and the vector), a query is {@code {"vector":[…],"k":10,
 * "num_candidates":N}} as a new user sends it. Floats are written by {@link Float#toString}, the
 * shortest text that reads back as the same float. Static methods only; thread-safe.
 */
final class Bodies {

  private Bodies() {}

  /** The upsert body of {@code vectors[from..to)}, ids their indexes, as UTF-8 bytes. */
  static byte[] upsert(float[][] vectors, int from, int to) {
    StringBuilder b = new StringBuilder((to - from) * (vectors[from].length * 12 + 32) + 16);
    b.append("{\"vectors\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        b.append(',');
      }
      b.append("{\"id\":\"").append(i).append("\",\"values\":");
      vector(b, vectors[i]);
      b.append('}');
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A top-{@code k} query for {@code vector} with this search effort. */
  static String query(float[] vector, int k, int numCandidates) {
    StringBuilder b = new StringBuilder(vector.length * 12 + 48);
    b.append("{\"vector\":");
    vector(b, vector);
    return b.append(",\"k\":").append(k).append(",\"num_candidates\":").append(numCandidates).append('}').toString();
  }

  /** The same query as a Pinecone client sends it to {@code POST /pinecone/query}. */
  static String pineconeQuery(String namespace, float[] vector, int k, int numCandidates) {
    StringBuilder b = new StringBuilder(vector.length * 12 + 80);
    b.append("{\"namespace\":\"").append(namespace).append("\",\"topK\":").append(k).append(",\"vector\":");
    vector(b, vector);
    return b.append(",\"maxCandidates\":").append(numCandidates).append('}').toString();
  }

  private static void vector(StringBuilder b, float[] v) {
    b.append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(v[i]);
    }
    b.append(']');
  }
}
