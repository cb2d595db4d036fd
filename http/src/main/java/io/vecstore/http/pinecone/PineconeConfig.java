package io.vecstore.http.pinecone;

import io.vecstore.core.meta.NamespaceIds;
import java.util.regex.Pattern;

/**
 * How the Pinecone-compatible routes present this server: as one Pinecone index named
 * {@code indexName}, whose namespaces are VecStore's.
 *
 * @param indexName the index name clients use (Pinecone's rules: lower-case letters, digits and
 *     hyphens, at most 45 characters)
 * @param defaultNamespace the namespace a request with the admin key reaches when it names none
 *     (Pinecone's {@code __default__}), and whose dimension and metric the index reports; null for
 *     none (such requests are refused)
 */
public record PineconeConfig(String indexName, String defaultNamespace) {

  private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?");
  public static final String DEFAULT_INDEX_NAME = "vecstore";
  public static final PineconeConfig DEFAULT = new PineconeConfig(DEFAULT_INDEX_NAME, null);

  public PineconeConfig {
    if (indexName == null || !INDEX_NAME.matcher(indexName).matches()) {
      throw new IllegalArgumentException("the Pinecone index name must be 1 to 45 lower-case letters, digits and "
          + "hyphens, starting and ending with a letter or digit, got: " + indexName);
    }
    if (defaultNamespace != null && !NamespaceIds.isValid(defaultNamespace)) {
      throw new IllegalArgumentException("the default Pinecone namespace must be a valid namespace id, got: "
          + defaultNamespace);
    }
  }
}
