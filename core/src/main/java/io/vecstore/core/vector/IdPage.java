package io.vecstore.core.vector;

import java.util.List;

/**
 * One page of a namespace's vector ids, in byte order of their UTF-8 form.
 *
 * @param nextCursor opaque cursor for the next page, or null on the last page
 */
public record IdPage(List<String> ids, String nextCursor) {}
