package io.vecstore.bench.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers and writers of the {@code .fvecs} / {@code .ivecs} formats of the ANN benchmark sets
 * (TEXMEX, ann-benchmarks): each row is a little-endian int32 count followed by that many
 * little-endian float32 (fvecs) or int32 (ivecs) values. Static methods only; thread-safe.
 */
public final class Vecs {

  private Vecs() {}

  /** Writes every row of {@code rows} to {@code file}, replacing it. */
  public static void writeFvecs(Path file, float[][] rows) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (float[] row : rows) {
        appendFvec(out, row);
      }
    }
  }

  /** Appends one fvecs row to {@code out}. */
  public static void appendFvec(OutputStream out, float[] row) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(row.length);
    for (float v : row) {
      b.putFloat(v);
    }
    out.write(b.array());
  }

  /** Writes every row of {@code rows} to {@code file}, replacing it. */
  public static void writeIvecs(Path file, int[][] rows) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (int[] row : rows) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(row.length);
        for (int v : row) {
          b.putInt(v);
        }
        out.write(b.array());
      }
    }
  }

  /** Every row of an fvecs file. A truncated last row is an error. */
  public static float[][] readFvecs(Path file) throws IOException {
    List<float[]> rows = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file, StandardOpenOption.READ), 1 << 16)) {
      int[] row;
      while ((row = readRow(in, file)) != null) {
        float[] f = new float[row.length];
        for (int i = 0; i < row.length; i++) {
          f[i] = Float.intBitsToFloat(row[i]);
        }
        rows.add(f);
      }
    }
    return rows.toArray(float[][]::new);
  }

  /** Every row of an ivecs file. A truncated last row is an error. */
  public static int[][] readIvecs(Path file) throws IOException {
    List<int[]> rows = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file, StandardOpenOption.READ), 1 << 16)) {
      int[] row;
      while ((row = readRow(in, file)) != null) {
        rows.add(row);
      }
    }
    return rows.toArray(int[][]::new);
  }

  /** The number of complete rows at the start of an fvecs file of rows of {@code dim} values. */
  public static long completeRows(Path file, int dim) throws IOException {
    return Files.exists(file) ? Files.size(file) / (4L + 4L * dim) : 0;
  }

  // One row as raw int bits, or null at a clean end of file.
  private static int[] readRow(InputStream in, Path file) throws IOException {
    byte[] head = in.readNBytes(4);
    if (head.length == 0) {
      return null;
    }
    if (head.length < 4) {
      throw new EOFException("truncated row header in " + file);
    }
    int n = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (n < 0 || n > 1 << 20) {
      throw new IOException("row length must be between 0 and 1048576, got: " + n + " in " + file);
    }
    byte[] body = in.readNBytes(4 * n);
    if (body.length < 4 * n) {
      throw new EOFException("truncated row of " + n + " values in " + file);
    }
    ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    int[] row = new int[n];
    for (int i = 0; i < n; i++) {
      row[i] = b.getInt();
    }
    return row;
  }
}
