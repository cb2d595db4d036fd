package io.vecstore.core.snapshot;

import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.error.InvalidRequestException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * A request to import an existing Lucene index (read from a directory on the server) as a new
 * namespace.
 *
 * @param namespace the namespace to create; a null metric is taken from the vector field's
 *     similarity, the dimension always from the field
 * @param path the index directory on the server
 * @param vectorField the float vector field holding each document's vector
 * @param idField the stored field holding each document's id
 * @param metadataFields stored fields to copy into the metadata; null copies all but the id
 */
public record LuceneImport(CreateNamespace namespace, Path path, String vectorField, String idField,
    Set<String> metadataFields) {

  public LuceneImport {
    Objects.requireNonNull(namespace, "namespace");
    if (path == null || !path.isAbsolute()) {
      throw new InvalidRequestException("path must be an absolute directory path on the server, got: " + path);
    }
    if (vectorField == null || vectorField.isEmpty()) {
      throw new InvalidRequestException("vector_field is required");
    }
    if (idField == null || idField.isEmpty()) {
      throw new InvalidRequestException("id_field is required");
    }
    metadataFields = metadataFields == null ? null : Set.copyOf(metadataFields);
  }

  /** What an import did. */
  public record Result(NamespaceInfo namespace, long imported, long skippedWithoutId, long skippedWithoutVector) {}
}
