package io.vecstore.http;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh real server (no admin key) on a temporary data directory for every test. */
public abstract class ServerTestBase {

  @TempDir protected Path dataDir;
  protected TestServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = TestServer.start(dataDir);
  }

  @AfterEach
  void stopServer() throws IOException {
    server.close();
  }
}
