package io.vecstore.server.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;

/**
 * {@code vecstore snapshot create|list|restore|delete|export|import …}: the snapshot routes of a
 * running server from the command line ({@code --url}, default http://127.0.0.1:8080; the admin
 * key from VECSTORE_ADMIN_KEY or --admin-key-file). Prints the server's JSON answer. Exit status:
 * 0 on success, 1 when the server refused, 2 bad usage.
 */
public final class SnapshotCommand {

  static final String USAGE = """
      Usage: vecstore snapshot create NAMESPACE [NAME]
             vecstore snapshot list NAMESPACE
             vecstore snapshot restore NAMESPACE NAME
             vecstore snapshot delete NAMESPACE NAME
             vecstore snapshot export NAMESPACE NAME FILE.tar.gz
             vecstore snapshot import FILE.tar.gz [--id NEW_ID]
      Options: --url URL (default http://127.0.0.1:8080)
      """;

  private SnapshotCommand() {}

  public static int run(Deque<String> args, String adminKey, PrintStream out, PrintStream err) {
    ToolOptions o;
    try {
      o = ToolOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    List<String> p = o.positional();
    String action = p.isEmpty() ? "" : p.getFirst();
    int arity = switch (action) {
      case "create" -> p.size() == 2 || p.size() == 3 ? p.size() : -1;
      case "list" -> 2;
      case "restore", "delete" -> 3;
      case "export" -> 4;
      case "import" -> 2;
      default -> -1;
    };
    if (arity != p.size()) {
      err.print(USAGE);
      return 2;
    }
    AdminClient client = new AdminClient(o.url(), adminKey);
    try {
      AdminClient.Reply reply = switch (action) {
        case "create" -> client.postJson(snapshots(p.get(1)), p.size() == 3 ? "{\"name\":\"" + p.get(2) + "\"}" : "{}");
        case "list" -> client.get(snapshots(p.get(1)));
        case "restore" -> client.postJson(snapshots(p.get(1)) + "/" + p.get(2) + "/restore", "");
        case "delete" -> client.delete(snapshots(p.get(1)) + "/" + p.get(2));
        case "export" -> client.download(snapshots(p.get(1)) + "/" + p.get(2) + "/export", Path.of(p.get(3)));
        case "import" -> {
          Path file = Path.of(p.get(1));
          if (!Files.isRegularFile(file)) {
            err.println("No such file: " + file);
            yield null;
          }
          yield client.postFile("/admin/namespaces/import" + (o.id() == null ? "" : "?id=" + o.id()), file, "application/gzip");
        }
        default -> throw new IllegalStateException(action);
      };
      if (reply == null) {
        return 1;
      }
      if (!reply.ok()) {
        err.println(reply.status() + " " + reply.body());
        return 1;
      }
      out.println(action.equals("export") ? "Wrote " + p.get(3) + " (" + Files.size(Path.of(p.get(3))) + " bytes)" : reply.body());
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println("Cannot reach the server at " + client.base() + ": " + e);
      return 1;
    }
  }

  private static String snapshots(String ns) {
    return "/admin/namespaces/" + ns + "/snapshots";
  }
}
