package io.vecstore.bench.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.testdata.Seeded;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Seeded.class)
class DatasetToolsTest {

  @TempDir Path dir;

  @Test
  void fvecsAndIvecsRoundTripBitForBit(Random random) throws Exception {
    float[][] floats = new float[50][];
    int[][] ints = new int[50][];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = new float[random.nextInt(20)];
      for (int j = 0; j < floats[i].length; j++) {
        floats[i][j] = Float.intBitsToFloat(random.nextInt()); // any bits, NaNs and negative zero too
      }
      ints[i] = random.ints(random.nextInt(20)).toArray();
    }
    Vecs.writeFvecs(dir.resolve("a.fvecs"), floats);
    Vecs.writeIvecs(dir.resolve("a.ivecs"), ints);
    float[][] f = Vecs.readFvecs(dir.resolve("a.fvecs"));
    int[][] n = Vecs.readIvecs(dir.resolve("a.ivecs"));
    assertEquals(floats.length, f.length);
    for (int i = 0; i < floats.length; i++) {
      assertEquals(floats[i].length, f[i].length);
      for (int j = 0; j < floats[i].length; j++) {
        assertEquals(Float.floatToRawIntBits(floats[i][j]), Float.floatToRawIntBits(f[i][j]));
      }
      assertArrayEquals(ints[i], n[i]);
    }
  }

  @Test
  void fvecsIsTheTexmexLayout() throws Exception {
    Vecs.writeFvecs(dir.resolve("b.fvecs"), new float[][] {{1.5f, -2f}});
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("b.fvecs"))).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(12, b.remaining());
    assertEquals(2, b.getInt());
    assertEquals(1.5f, b.getFloat());
    assertEquals(-2f, b.getFloat());
    assertEquals(1, Vecs.completeRows(dir.resolve("b.fvecs"), 2));
  }

  @Test
  void truncatedLastRowIsAnError() throws Exception {
    Path file = dir.resolve("c.ivecs");
    Vecs.writeIvecs(file, new int[][] {{1, 2, 3}, {4, 5, 6}});
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(file) - 2);
    }
    EOFException e = assertThrows(EOFException.class, () -> Vecs.readIvecs(file));
    assertTrue(e.getMessage().contains("truncated row of 3 values"), e.getMessage());
  }

  @Test
  void groundTruthEqualsAFullSort(Random random) throws Exception {
    float[][] base = new float[600][];
    for (int i = 0; i < base.length; i++) {
      base[i] = randomUnit(random, 16);
    }
    base[17] = base[3].clone(); // a tie: the lower index must come first
    float[][] queries = {base[3].clone(), randomUnit(random, 16), randomUnit(random, 16)};
    IntPredicate even = i -> i % 2 == 0;
    for (IntPredicate allowed : List.<IntPredicate>of(i -> true, even, i -> i < 7)) {
      int[][] gt = GroundTruth.topK(base, queries, 10, allowed, 3);
      for (int q = 0; q < queries.length; q++) {
        float[] query = queries[q];
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
          if (allowed.test(i)) {
            all.add(i);
          }
        }
        all.sort(Comparator.comparingDouble((Integer i) -> -VectorUtil.dotProduct(query, base[i])).thenComparingInt(i -> i));
        int[] expected = all.stream().limit(10).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, gt[q], "query " + q);
      }
    }
    assertArrayEquals(new int[] {3, 17}, java.util.Arrays.copyOf(GroundTruth.topK(base, queries, 2, i -> true, 1)[0], 2));
  }

  @Test
  void parsesWordNetDataLines() {
    var noun = WordNetCorpus.parse("00003993 03 n 01 congener 0 001 @ 00003553 n 0000 | a whole (a thing or person) of the same"
        + " kind or category as another; \"lard was also used\"  ");
    assertEquals(new WordNetCorpus.Entry("n00003993", "noun.Tops",
        "congener: a whole (a thing or person) of the same kind or category as another; \"lard was also used\""), noun);
    var satellite = WordNetCorpus.parse("00020103 00 s 02 outback(a) 0 remote 0 003 & 00019874 a 0000 + 05085165 n 0202 + "
        + "08505110 n 0101 | inaccessible and sparsely populated;  ");
    assertEquals(new WordNetCorpus.Entry("a00020103", "adj.all", "outback, remote: inaccessible and sparsely populated;"), satellite);
    var verb = WordNetCorpus.parse("01835496 38 v 02 travel 0 go 1 000 | change location; move, travel, or proceed");
    assertEquals("verb.motion", verb.category());
    assertThrows(IllegalArgumentException.class, () -> WordNetCorpus.parse("00001740 03 n 01 entity 0 000 no gloss"));
  }

  @Test
  void choosesTheCategoriesNearestTheTarget() {
    Map<String, Integer> counts = Map.of("a", 500, "b", 100, "c", 4, "d", 6, "e", 390);
    assertEquals(List.of("b"), DatasetBuilder.chooseCategories(counts, 1000, 0.10));
    assertEquals(List.of("c", "d"), DatasetBuilder.chooseCategories(counts, 1000, 0.01)); // 4 + 6 = exactly 1%
    assertEquals(List.of("a"), DatasetBuilder.chooseCategories(counts, 1000, 0.5));
  }

  @Test
  void syntheticSetSavesLoadsAndTruncates() throws Exception {
    Dataset d = SyntheticDataset.create(11, 1200, 30, 8, 2);
    for (Dataset.Filter f : d.filters()) {
      assertTrue(f.matches() > 0 && f.fraction() < 0.2, f.toString());
    }
    d.save(dir.resolve("set"), null, null);
    Dataset back = Dataset.load(dir.resolve("set"));
    assertArrayEquals(d.base(), back.base());
    assertArrayEquals(d.queries(), back.queries());
    assertArrayEquals(d.groundTruth(), back.groundTruth());
    assertArrayEquals(d.categories(), back.categories());
    assertEquals(d.filters().size(), back.filters().size());
    for (int i = 0; i < d.filters().size(); i++) {
      assertEquals(d.filters().get(i).categories(), back.filters().get(i).categories());
      assertArrayEquals(d.filters().get(i).groundTruth(), back.filters().get(i).groundTruth());
    }
    Dataset small = back.truncate(500, 2);
    assertEquals(500, small.base().length);
    for (int[] row : small.groundTruth()) {
      assertTrue(java.util.Arrays.stream(row).allMatch(i -> i < 500));
    }
    for (Dataset.Filter f : small.filters()) {
      for (int[] row : f.groundTruth()) {
        assertTrue(java.util.Arrays.stream(row).allMatch(i -> f.categories().contains(small.categories()[i])));
      }
    }
  }

  private static float[] randomUnit(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return DatasetBuilder.unit(v);
  }
}
