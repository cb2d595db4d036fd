package io.vecstore.core.vector;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Arrays;

/**
 * How a hybrid query fuses its vector and keyword results. Never by adding raw scores: BM25 and
 * cosine live on unrelated scales. Valid by construction, with the messages every transport shows.
 *
 * @param method reciprocal rank fusion, or a weighted sum of min-max normalized scores
 * @param rankConstant RRF's k: a result at rank r of a leg adds {@code weight / (rankConstant + r)}
 * @param window results taken from each leg before fusing, or null for {@link #window(int)}'s default
 * @param vectorWeight weight of the vector leg (0 to 1000)
 * @param keywordWeight weight of the keyword leg (0 to 1000)
 */
public record Fusion(Method method, int rankConstant, Integer window, double vectorWeight, double keywordWeight) {

  /** The fusion methods, by wire name. */
  public enum Method {
    RRF("rrf"),
    LINEAR("linear");

    private final String wireName;

    Method(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Method parse(String name) {
      for (Method m : values()) {
        if (m.wireName.equals(name)) {
          return m;
        }
      }
      throw new InvalidRequestException("fusion.method must be one of "
          + Arrays.stream(values()).map(Method::wireName).toList() + ", got: " + name);
    }
  }

  public static final int DEFAULT_RANK_CONSTANT = 60;
  public static final int DEFAULT_WINDOW = 100;
  public static final double MAX_WEIGHT = 1000;
  public static final Fusion DEFAULT = new Fusion(Method.RRF, DEFAULT_RANK_CONSTANT, null, 1, 1);

  public Fusion {
    if (method == null) {
      method = Method.RRF;
    }
    if (rankConstant < 1 || rankConstant > SearchRequest.MAX_NUM_CANDIDATES) {
      throw new InvalidRequestException("fusion.rank_constant must be between 1 and "
          + SearchRequest.MAX_NUM_CANDIDATES + ", got: " + rankConstant);
    }
    if (window != null && (window < 1 || window > SearchRequest.MAX_NUM_CANDIDATES)) {
      throw new InvalidRequestException("fusion.window must be at least k and between 1 and "
          + SearchRequest.MAX_NUM_CANDIDATES + ", got: " + window);
    }
    checkWeight("vector", vectorWeight);
    checkWeight("keyword", keywordWeight);
    if (vectorWeight == 0 && keywordWeight == 0) {
      throw new InvalidRequestException("fusion.weights must not both be 0");
    }
  }

  /** The results each leg contributes: the window asked for, else the default raised to k. */
  public int window(int k) {
    return window != null ? window : Math.max(k, DEFAULT_WINDOW);
  }

  private static void checkWeight(String leg, double w) {
    if (!(w >= 0 && w <= MAX_WEIGHT)) {
      throw new InvalidRequestException("fusion.weights." + leg + " must be between 0 and " + (int) MAX_WEIGHT
          + ", got: " + w);
    }
  }
}
