package io.vecstore.core.wal;

import io.vecstore.core.vector.VectorRecord;
import java.util.List;

/** One logged write. Sequence numbers increase by one per record and never repeat in a namespace. */
public sealed interface WalRecord {

  long seq();

  /** A batch of vectors added or replaced together. */
  record Upsert(long seq, List<VectorRecord> vectors) implements WalRecord {
    public Upsert {
      vectors = List.copyOf(vectors);
    }
  }

  /** Ids deleted together (a delete by filter is logged as the ids it matched). */
  record Delete(long seq, List<String> ids) implements WalRecord {
    public Delete {
      ids = List.copyOf(ids);
    }
  }
}
