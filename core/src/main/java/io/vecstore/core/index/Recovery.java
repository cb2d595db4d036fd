package io.vecstore.core.index;

import java.util.Map;

/**
 * What opening an index found: the user data of its last commit and the write-ahead-log records
 * replayed on top of it (writes acknowledged after that commit, before a crash).
 */
public record Recovery(Map<String, String> commitData, long replayedUpserts, long replayedDeletes) {
  public Recovery {
    commitData = Map.copyOf(commitData);
  }
}
