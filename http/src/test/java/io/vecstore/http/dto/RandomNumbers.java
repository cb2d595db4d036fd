package io.vecstore.http.dto;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.util.Random;

/** Vector values in every JSON number shape a client sends, for the fast-path equivalence tests. */
final class RandomNumbers {

  private RandomNumbers() {}

  /** Appends {@code dim} numbers: integers, exponents, float-exact doubles and long decimals. */
  static void fill(ArrayNode values, int dim, Random random) {
    for (int d = 0; d < dim; d++) {
      switch (random.nextInt(4)) {
        case 0 -> values.add(random.nextInt(2001) - 1000);
        case 1 -> values.add(new BigDecimal(Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6))));
        case 2 -> values.add((double) (float) random.nextGaussian());
        default -> values.add(new BigDecimal(random.nextInt(100000)).movePointLeft(random.nextInt(8)));
      }
    }
  }
}
