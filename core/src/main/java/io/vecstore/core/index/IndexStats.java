package io.vecstore.core.index;

/**
 * Document counts and bytes of one namespace index at one moment.
 *
 * @param liveDocs vectors that can be found (the vector count)
 * @param deletedDocs deleted or replaced documents not yet merged away
 * @param storageBytes bytes of the index files on disk
 */
public record IndexStats(long liveDocs, long deletedDocs, long storageBytes) {}
