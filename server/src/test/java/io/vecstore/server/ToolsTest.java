package io.vecstore.server;

import io.vecstore.http.ServerTestBase;
import io.vecstore.http.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tools (check-index, snapshot) against a real server and on a stopped one. */
class ToolsTest extends ServerTestBase {

  @TempDir Path work;

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private void fill(String ns) {
    assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"" + ns + "\",\"tier\":\"unlimited\"}").status());
    StringBuilder b = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < 50; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"values\":[").append(i).append(",1,2],")
          .append("\"metadata\":{\"n\":").append(i).append(",\"s\":\"x").append(i).append("\"}}");
    }
    assertEquals(200, server.post("/v1/namespaces/" + ns + "/vectors", b.append("]}").toString()).status());
  }

  @Test
  void checkIndexAsksTheRunningServerForASnapshotAndCleansUp() {
    fill("ns");
    Run r = run("check-index", "ns", "--data", dataDir.toString(), "--url", server.base());
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("taken by the server"), r.out());
    assertTrue(r.out().matches("(?s).*OK: namespace ns is clean \\(\\d+ segments, 50 live vectors\\).*"), r.out());
    assertTrue(r.out().contains("test: vectors"), "level 3 checks vectors: " + r.out());
    assertEquals(0, server.get("/admin/namespaces/ns/snapshots").json().get("snapshots").size(), "its snapshot is deleted");

    Run wrongData = run("check-index", "ns", "--data", work.toString(), "--url", server.base());
    assertEquals(1, wrongData.status());
    Run usage = run("check-index");
    assertEquals(2, usage.status());
  }

  @Test
  void checkIndexWithoutAServerChecksACopyOfTheLastCommitAndFindsDamage() throws IOException {
    fill("ns");
    server.close();
    String noServer = "http://127.0.0.1:1";
    Run clean = run("check-index", "ns", "--data", dataDir.toString(), "--url", noServer);
    assertEquals(0, clean.status(), clean.out() + clean.err());
    assertTrue(clean.out().contains("No server answers"), clean.out());
    try (var left = Files.list(dataDir.resolve("ns/snapshots"))) {
      assertEquals(0, left.count(), "the work copy is removed");
    }

    Path victim;
    try (var files = Files.list(dataDir.resolve("ns/index"))) {
      victim = files.filter(p -> !p.getFileName().toString().startsWith("segments"))
          .max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
    Run damaged = run("check-index", "ns", "--data", dataDir.toString(), "--url", noServer);
    assertEquals(1, damaged.status(), damaged.out() + damaged.err());
    assertTrue(damaged.out().contains("FAILED"), damaged.out());
  }

  @Test
  void snapshotCommandsMoveANamespaceBetweenServers() throws IOException {
    fill("ns");
    String url = server.base();
    assertEquals(0, run("snapshot", "create", "ns", "s1", "--url", url).status());
    Run list = run("snapshot", "list", "ns", "--url", url);
    assertEquals(0, list.status());
    assertTrue(list.out().contains("\"name\":\"s1\""), list.out());
    Path file = work.resolve("ns.tar.gz");
    Run export = run("snapshot", "export", "ns", "s1", file.toString(), "--url", url);
    assertEquals(0, export.status(), export.err());
    assertTrue(Files.size(file) > 0);
    Run missing = run("snapshot", "export", "ns", "nope", work.resolve("x").toString(), "--url", url);
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("snapshot_not_found"), missing.err());
    assertFalse(Files.exists(work.resolve("x")));

    try (TestServer other = TestServer.start(work.resolve("other"))) {
      Run imported = run("snapshot", "import", file.toString(), "--id", "copy", "--url", other.base());
      assertEquals(0, imported.status(), imported.err());
      String q = "{\"vector\":[3,1,2],\"k\":5}";
      assertEquals(server.post("/v1/namespaces/ns/query", q).json(), other.post("/v1/namespaces/copy/query", q).json());
    }
    assertEquals(0, run("snapshot", "restore", "ns", "s1", "--url", url).status());
    assertEquals(0, run("snapshot", "delete", "ns", "s1", "--url", url).status());
    assertEquals(2, run("snapshot", "frobnicate", "--url", url).status());
    assertEquals(0, server.get("/admin/namespaces/ns/snapshots").json().get("snapshots").size());
  }
}
