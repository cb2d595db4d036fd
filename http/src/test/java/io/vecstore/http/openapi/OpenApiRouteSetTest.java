package io.vecstore.http.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vecstore.http.ServerTestBase;
import io.vecstore.http.TestServer;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The routes the real app registers (read from Javalin's router) are exactly the document's
 * paths × methods, both ways. Cluster-only operations are left out: a single server does not
 * register them.
 */
class OpenApiRouteSetTest extends ServerTestBase {

  @Test
  void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
    Set<String> registered = TestServer.registeredRoutes(server.app());
    Set<String> documented = new TreeSet<>();
    for (OpenApiDocument.Operation op : OpenApiDocument.DOCUMENT.operations()) {
      if (!op.clusterOnly()) {
        documented.add(op.key());
      }
    }
    Set<String> undocumented = new TreeSet<>(registered);
    undocumented.removeAll(documented);
    Set<String> unregistered = new TreeSet<>(documented);
    unregistered.removeAll(registered);
    assertEquals("registered but not in openapi.yaml: " + undocumented + "\nin openapi.yaml but not registered: "
        + unregistered, "registered but not in openapi.yaml: []\nin openapi.yaml but not registered: []");
  }
}
