package io.vecstore.server.tools;

import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Deque;

/**
 * {@code vecstore check-index NS [--data DIR] [--url URL] [--level 1|2|3]}: Lucene's CheckIndex
 * (level 3 by default: postings, doc values, points and vectors too) on a consistent copy of a
 * namespace's index, never on the live files.
 *
 * <ul>
 *   <li>A server answers at {@code --url}: it is asked for a snapshot (which commits every
 *       acknowledged write first), the snapshot under {@code --data} is checked, then deleted.
 *       The data directory must be the server's.
 *   <li>No server answers: the last commit of {@code DIR/NS/index} is hard-linked into a work
 *       directory beside the snapshots and checked there, then removed. Writes still only in the
 *       write-ahead log (after a crash) are not in any commit yet and so not checked.
 * </ul>
 *
 * Exit status: 0 clean, 1 problems found (or the check could not run), 2 bad usage.
 */
public final class CheckIndexCommand {

  private CheckIndexCommand() {}

  public static int run(Deque<String> args, String adminKey, PrintStream out, PrintStream err) {
    ToolOptions options;
    try {
      options = ToolOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    if (options.positional().size() != 1) {
      err.println("Usage: vecstore check-index NAMESPACE [--data DIR] [--url URL] [--level 1|2|3]");
      return 2;
    }
    String ns = options.positional().getFirst();
    DataLayout layout = new DataLayout(options.data());
    if (!Files.isDirectory(layout.namespaceDir(ns))) {
      err.println("No namespace " + ns + " in " + layout.root() + " (use --data to name the server's data directory)");
      return 1;
    }
    AdminClient client = new AdminClient(options.url(), adminKey);
    try {
      return client.serverRunning()
          ? checkViaServer(client, layout, ns, options.level(), out, err)
          : checkOffline(layout, ns, options.level(), out, err);
    } catch (IOException | RuntimeException e) {
      err.println("check-index failed: " + e);
      return 1;
    }
  }

  private static int checkViaServer(AdminClient client, DataLayout layout, String ns, int level, PrintStream out,
      PrintStream err) throws IOException {
    String name = "check-index-" + Instant.now().toEpochMilli();
    AdminClient.Reply created = client.postJson("/admin/namespaces/" + ns + "/snapshots", "{\"name\":\"" + name + "\"}");
    if (!created.ok()) {
      err.println("The server at " + client.base() + " did not take a snapshot: " + created.status() + " " + created.body());
      return 1;
    }
    try {
      Path index = layout.snapshotIndexDir(ns, name);
      if (!Files.isDirectory(index)) {
        err.println("The server took snapshot " + name + ", but it is not under " + layout.root()
            + ": pass the server's data directory with --data");
        return 1;
      }
      out.println("Checking snapshot " + name + " of namespace " + ns + " taken by the server at " + client.base());
      return report(IndexFiles.check(index, level, out), ns, out);
    } finally {
      AdminClient.Reply deleted = client.delete("/admin/namespaces/" + ns + "/snapshots/" + name);
      if (!deleted.ok()) {
        err.println("Deleting snapshot " + name + " failed: " + deleted.status() + " " + deleted.body());
      }
    }
  }

  private static int checkOffline(DataLayout layout, String ns, int level, PrintStream out, PrintStream err)
      throws IOException {
    Path index = layout.indexDir(ns);
    if (!Files.isDirectory(index)) {
      err.println("Namespace " + ns + " has no index yet (nothing was ever written)");
      return 1;
    }
    Path work = layout.checkingDir(ns, System.nanoTime());
    try {
      IndexFiles.CommitCopy commit = IndexFiles.linkLatestCommit(index, work);
      out.println("No server answers; checking the last commit (generation " + commit.generation() + ") of "
          + index + " through a copy");
      return report(IndexFiles.check(work, level, out), ns, out);
    } finally {
      AtomicFiles.deleteRecursively(work);
    }
  }

  private static int report(IndexFiles.CheckResult r, String ns, PrintStream out) {
    if (r.clean()) {
      out.println("OK: namespace " + ns + " is clean (" + r.segments() + " segments, " + r.liveDocs() + " live vectors)");
      return 0;
    }
    out.println("FAILED: namespace " + ns + " has problems; see CheckIndex's report above");
    return 1;
  }
}
