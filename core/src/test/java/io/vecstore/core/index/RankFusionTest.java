package io.vecstore.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.vector.Fusion;
import io.vecstore.testdata.Seeded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeded.class)
class RankFusionTest {

  private static List<RankFusion.Ranked> leg(int... docs) {
    List<RankFusion.Ranked> out = new ArrayList<>();
    for (int i = 0; i < docs.length; i++) {
      out.add(new RankFusion.Ranked(docs[i], 100 - i)); // scores descending with rank
    }
    return out;
  }

  @Test
  void rrfIsTheHandComputedSumOfReciprocalRanks() {
    // vector: 1, 2, 3   keyword: 3, 1, 4   (k = 60)
    List<RankFusion.Fused> fused = RankFusion.fuse(Fusion.DEFAULT, leg(1, 2, 3), leg(3, 1, 4));
    assertEquals(List.of(1, 3, 2, 4), fused.stream().map(RankFusion.Fused::doc).toList());
    assertEquals(1.0 / 61 + 1.0 / 62, fused.get(0).score(), 1e-15);
    assertEquals(1.0 / 63 + 1.0 / 61, fused.get(1).score(), 1e-15);
    assertEquals(1.0 / 62, fused.get(2).score(), 1e-15);
    assertEquals(1.0 / 63, fused.get(3).score(), 1e-15);
    assertEquals(new RankFusion.Fused(1, fused.get(0).score(), 1, 2), fused.get(0));
    assertEquals(new RankFusion.Fused(4, fused.get(3).score(), null, 3), fused.get(3));
  }

  @Test
  void rrfWeightsAndRankConstantScaleEachLeg() {
    Fusion f = new Fusion(Fusion.Method.RRF, 1, null, 2, 0.5);
    List<RankFusion.Fused> fused = RankFusion.fuse(f, leg(7, 8), leg(8, 9));
    // 7: 2/2 = 1; 8: 2/3 + 0.5/2 = 0.9167; 9: 0.5/3 = 0.1667
    assertEquals(List.of(7, 8, 9), fused.stream().map(RankFusion.Fused::doc).toList());
    assertEquals(2.0 / 3 + 0.25, fused.get(1).score(), 1e-15);
    assertEquals(0.5 / 3, fused.get(2).score(), 1e-15);
  }

  @Test
  void linearAddsWeightedMinMaxNormalizedScores() {
    Fusion f = new Fusion(Fusion.Method.LINEAR, 60, null, 1, 2);
    List<RankFusion.Ranked> vector = List.of(new RankFusion.Ranked(1, 0.9), new RankFusion.Ranked(2, 0.7), new RankFusion.Ranked(3, 0.5));
    List<RankFusion.Ranked> keyword = List.of(new RankFusion.Ranked(3, 12.0), new RankFusion.Ranked(4, 4.0));
    List<RankFusion.Fused> fused = RankFusion.fuse(f, vector, keyword);
    // 1: 1.0; 2: 0.5; 3: 0 + 2*1 = 2; 4: 2*0 = 0
    assertEquals(List.of(3, 1, 2, 4), fused.stream().map(RankFusion.Fused::doc).toList());
    assertEquals(2.0, fused.get(0).score(), 1e-12);
    assertEquals(1.0, fused.get(1).score(), 1e-12);
    assertEquals(0.5, fused.get(2).score(), 1e-12);
    assertEquals(0.0, fused.get(3).score(), 1e-12);
    // A leg of equal scores counts each result as that leg's best.
    List<RankFusion.Fused> flat = RankFusion.fuse(f, List.of(new RankFusion.Ranked(5, 0.3)), List.of());
    assertEquals(1.0, flat.getFirst().score(), 1e-12);
  }

  @Test
  void equalScoresRankByDocument() {
    List<RankFusion.Fused> fused = RankFusion.fuse(Fusion.DEFAULT, leg(9, 4), leg(4, 9));
    assertEquals(List.of(4, 9), fused.stream().map(RankFusion.Fused::doc).toList());
  }

  /** With unit weights our RRF gives every document the score Lucene's TopDocs.rrf gives it. */
  @Test
  void unitWeightRrfAgreesWithLucene(Random random) {
    for (int round = 0; round < 50; round++) {
      int rankConstant = 1 + random.nextInt(100);
      List<RankFusion.Ranked> a = randomLeg(random);
      List<RankFusion.Ranked> b = randomLeg(random);
      List<RankFusion.Fused> ours = RankFusion.fuse(new Fusion(Fusion.Method.RRF, rankConstant, null, 1, 1), a, b);
      TopDocs lucene = TopDocs.rrf(1000, rankConstant, new TopDocs[] {topDocs(a), topDocs(b)});
      Map<Integer, Double> theirs = new HashMap<>();
      for (ScoreDoc d : lucene.scoreDocs) {
        theirs.put(d.doc, (double) d.score);
      }
      assertEquals(theirs.keySet(), Set.copyOf(ours.stream().map(RankFusion.Fused::doc).toList()), "round " + round);
      for (RankFusion.Fused f : ours) {
        assertEquals(theirs.get(f.doc()), f.score(), 1e-6, "doc " + f.doc() + " in round " + round);
      }
      for (int i = 1; i < ours.size(); i++) {
        assertTrue(ours.get(i - 1).score() >= ours.get(i).score(), "best first");
      }
    }
  }

  private static List<RankFusion.Ranked> randomLeg(Random random) {
    Set<Integer> docs = new LinkedHashSet<>();
    int n = random.nextInt(30);
    while (docs.size() < n) {
      docs.add(random.nextInt(60));
    }
    return leg(docs.stream().mapToInt(Integer::intValue).toArray());
  }

  private static TopDocs topDocs(List<RankFusion.Ranked> leg) {
    ScoreDoc[] docs = new ScoreDoc[leg.size()];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = new ScoreDoc(leg.get(i).doc(), (float) leg.get(i).score(), 0);
    }
    return new TopDocs(new TotalHits(docs.length, TotalHits.Relation.EQUAL_TO), docs);
  }
}
