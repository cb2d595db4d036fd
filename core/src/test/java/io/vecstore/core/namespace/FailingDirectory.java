package io.vecstore.core.namespace;

import java.io.IOException;
import java.util.Collection;
import java.util.Random;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.FilterIndexOutput;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * A Lucene directory that fails writes on demand: always (a full disk) or with a probability
 * (flaky storage). Reads are never touched.
 */
final class FailingDirectory extends FilterDirectory {

  /** Shared switches, so a test can turn faults on and off while the index is open. */
  static final class Faults {
    volatile boolean diskFull;
    volatile double probability;
    private final Random random;

    Faults(long seed) {
      this.random = new Random(seed);
    }

    synchronized boolean fire() {
      return diskFull || (probability > 0 && random.nextDouble() < probability);
    }

    void maybeFail(String what) throws IOException {
      if (fire()) {
        throw new IOException("No space left on device (injected, " + what + ")");
      }
    }
  }

  private final Faults faults;

  FailingDirectory(Directory in, Faults faults) {
    super(in);
    this.faults = faults;
  }

  @Override
  public IndexOutput createOutput(String name, IOContext context) throws IOException {
    faults.maybeFail("createOutput " + name);
    return wrap(super.createOutput(name, context));
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
    faults.maybeFail("createTempOutput " + prefix);
    return wrap(super.createTempOutput(prefix, suffix, context));
  }

  @Override
  public void sync(Collection<String> names) throws IOException {
    faults.maybeFail("sync");
    super.sync(names);
  }

  @Override
  public void rename(String source, String dest) throws IOException {
    faults.maybeFail("rename " + source);
    super.rename(source, dest);
  }

  private IndexOutput wrap(IndexOutput out) {
    return new FilterIndexOutput("failing(" + out + ")", out.getName(), out) {
      @Override
      public void writeByte(byte b) throws IOException {
        faults.maybeFail("writeByte");
        super.writeByte(b);
      }

      @Override
      public void writeBytes(byte[] b, int offset, int length) throws IOException {
        faults.maybeFail("writeBytes");
        super.writeBytes(b, offset, length);
      }
    };
  }
}
