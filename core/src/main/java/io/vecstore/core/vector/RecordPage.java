package io.vecstore.core.vector;

import java.util.List;

/**
 * One page of the vectors a filter matches, in byte order of their ids' UTF-8 form.
 *
 * @param nextCursor opaque cursor for the next page, or null on the last page
 */
public record RecordPage(List<VectorRecord> records, String nextCursor) {}
