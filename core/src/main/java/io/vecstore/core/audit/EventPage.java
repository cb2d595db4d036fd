package io.vecstore.core.audit;

import java.util.List;

/**
 * One page of a namespace's audit trail, newest first.
 *
 * @param nextCursor opaque cursor for the next (older) page, or null on the last page
 */
public record EventPage(List<NamespaceEvent> events, String nextCursor) {

  public EventPage {
    events = List.copyOf(events);
  }
}
