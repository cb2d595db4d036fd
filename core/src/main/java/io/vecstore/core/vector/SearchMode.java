package io.vecstore.core.vector;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Arrays;

/** Which searches a query runs: the vector (kNN) leg, the keyword (BM25) leg, or both fused. */
public enum SearchMode {
  VECTOR("vector"),
  KEYWORD("keyword"),
  HYBRID("hybrid");

  private final String wireName;

  SearchMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The mode of a wire name; a 400 naming the field {@code mode} otherwise. */
  public static SearchMode parse(String name) {
    for (SearchMode m : values()) {
      if (m.wireName.equals(name)) {
        return m;
      }
    }
    throw new InvalidRequestException("mode must be one of "
        + Arrays.stream(values()).map(SearchMode::wireName).toList() + ", got: " + name);
  }
}
