package io.vecstore.core.index;

import io.vecstore.core.vector.Fusion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses the ranked results of a hybrid query's two legs into one ranking, by reciprocal rank
 * fusion or by a weighted sum of min-max normalized scores. Scores of the two legs are never
 * added raw: BM25 is unbounded and cosine is not, so one leg would drown the other.
 *
 * <p>Ties (equal fused scores) go to the lower document number, so a ranking is deterministic.
 * Stateless and thread-safe.
 */
final class RankFusion {

  /** One result of a leg: a document and its score in that leg (higher is better). */
  record Ranked(int doc, double score) {}

  /** One fused result, with its 1-based rank in each leg (null where the leg did not find it). */
  record Fused(int doc, double score, Integer vectorRank, Integer keywordRank) {}

  private RankFusion() {}

  /** Fuses two legs given best first; returns every document either found, best first. */
  static List<Fused> fuse(Fusion fusion, List<Ranked> vector, List<Ranked> keyword) {
    double[] vectorPart = contributions(fusion, vector, fusion.vectorWeight());
    double[] keywordPart = contributions(fusion, keyword, fusion.keywordWeight());
    Map<Integer, Partial> byDoc = new HashMap<>();
    for (int i = 0; i < vector.size(); i++) {
      Partial p = byDoc.computeIfAbsent(vector.get(i).doc(), d -> new Partial());
      p.score += vectorPart[i];
      p.vectorRank = i + 1;
    }
    for (int i = 0; i < keyword.size(); i++) {
      Partial p = byDoc.computeIfAbsent(keyword.get(i).doc(), d -> new Partial());
      p.score += keywordPart[i];
      p.keywordRank = i + 1;
    }
    List<Fused> out = new ArrayList<>(byDoc.size());
    byDoc.forEach((doc, p) -> out.add(new Fused(doc, p.score, p.vectorRank, p.keywordRank)));
    out.sort(Comparator.comparingDouble(Fused::score).reversed().thenComparingInt(Fused::doc));
    return out;
  }

  /** What each result of one leg adds to its document's fused score. */
  private static double[] contributions(Fusion fusion, List<Ranked> leg, double weight) {
    double[] out = new double[leg.size()];
    switch (fusion.method()) {
      case RRF -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = weight / (fusion.rankConstant() + i + 1);
        }
      }
      case LINEAR -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Ranked r : leg) {
          min = Math.min(min, r.score());
          max = Math.max(max, r.score());
        }
        for (int i = 0; i < out.length; i++) {
          // All equal (or a single result): each is as good as the leg's best.
          double normalized = max > min ? (leg.get(i).score() - min) / (max - min) : 1.0;
          out[i] = weight * normalized;
        }
      }
    }
    return out;
  }

  private static final class Partial {
    double score;
    Integer vectorRank;
    Integer keywordRank;
  }
}
