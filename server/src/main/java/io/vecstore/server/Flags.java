package io.vecstore.server;

import io.vecstore.core.meta.PlanCodec;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.wal.Durability;
import io.vecstore.http.ServerConfig;
import io.vecstore.http.pinecone.PineconeConfig;
import io.vecstore.server.cluster.ClusterOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.List;

/**
 * The command line of the server: its usage text and the parsing of serve's flags (cluster ones
 * included) and of the tools' key flag, each bad value refused with the flag, the rule and the
 * value. The only place, with {@link Main}, that reads the environment. Stateless.
 */
final class Flags {

  private Flags() {}

  static final String USAGE = """
      Usage: vecstore serve [options]
             vecstore zookeeper [--port 2181] [--data ./zk-data]
             vecstore check-index NAMESPACE [--data DIR] [--url URL] [--level 1|2|3]
             vecstore snapshot create|list|restore|delete|export|import … [--url URL]
             vecstore --help

      Runs the VecStore server: namespaces on Lucene behind a REST API.

      Options of serve:
        --data DIR            data directory (default ./data)
        --host HOST           address to bind (default 127.0.0.1)
        --port N              port to listen on, 0 for any free port (default 8080)
        --max-body-bytes N    largest request body accepted (default 67108864)
        --durability MODE     request: fsync each write before its reply (default);
                              async: fsync every --async-fsync-ms, a power loss can lose that window;
                              none: no write-ahead log, only commits every second are durable
        --async-fsync-ms N    fsync interval of async durability (default 100)
        --admin-key-file F    file holding the admin key (or set VECSTORE_ADMIN_KEY); with a key
                              every route but /health, /ready and the UI needs it or a namespace key
        --metrics-public      serve /metrics without a key even when an admin key is set
        --deletion-grace-hours N
                              a namespace in pending_deletion is deleted after N hours (default 168)
        --grpc-port N         port of the gRPC services on the same host, 0 for none (default 50051)
        --pinecone-index NAME the index name Pinecone clients use for this server (default vecstore)
        --pinecone-namespace NAME
                              the namespace a Pinecone request with the admin key reaches when it
                              names none (__default__); also the index's dimension and metric
        --plans FILE          JSON file of plans to add or redefine (free, pro and unlimited are
                              built in): {"plans": {"NAME": {"quotas": {…}, "ceilings": {…},
                              "quota_policy": {…}}}}; a bad file stops the server at start
      Without an admin key the server has no authentication and refuses to listen on anything
      but a loopback address.

      Cluster mode (namespaces spread over several servers, coordinated by ZooKeeper):
        --cluster HOST:PORT[,HOST:PORT…]
                              ZooKeeper servers; joins the cluster there
        --node-id ID          this node's id, unique in the cluster (needed with --cluster)
        --advertise URL       this node's REST base URL as the other nodes reach it
                              (default http://HOST:PORT of --host and --port)
        --grpc-advertise HOST:PORT
                              this node's gRPC address as the others reach it (default the
                              advertised host and --grpc-port)
        --cluster-session-timeout-ms N
                              ZooKeeper session timeout (default 15000): a node out of contact
                              refuses writes at once and is taken as gone after this long
        --hand-off-timeout-s N
                              at SIGTERM, how long moving this node's namespaces away may take
                              (default 300)
      Every node needs the same admin key. 'vecstore zookeeper' runs a single local ZooKeeper
      (127.0.0.1) for trying cluster mode on one machine.

      check-index runs Lucene's CheckIndex (level 3 by default) on a snapshot that the server at
      --url (default http://127.0.0.1:8080) takes, or, with no server answering, on a copy of the
      last commit under --data (default ./data); exit status 0 when clean, 1 when not.
      snapshot calls the server's snapshot routes (run 'vecstore snapshot' for its forms). Both
      send the admin key of VECSTORE_ADMIN_KEY or --admin-key-file F.
        -h, --help            show this help
      """;

  /** Takes the cluster flags out of serve's arguments; null when not in cluster mode. */
  static ClusterOptions parseCluster(Deque<String> args) {
    List<String> list = new java.util.ArrayList<>(args);
    java.util.Map<String, String> values = new java.util.HashMap<>();
    for (String flag : List.of("--cluster", "--node-id", "--advertise", "--grpc-advertise", "--cluster-session-timeout-ms",
        "--hand-off-timeout-s")) {
      int i = list.indexOf(flag);
      if (i >= 0) {
        if (i + 1 >= list.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        values.put(flag, list.get(i + 1));
        list.subList(i, i + 2).clear();
      }
    }
    args.clear();
    args.addAll(list);
    if (!values.containsKey("--cluster")) {
      if (!values.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", values.keySet()) + " need --cluster HOST:PORT");
      }
      return null;
    }
    String nodeId = values.get("--node-id");
    if (nodeId == null) {
      throw new IllegalArgumentException("--cluster needs --node-id ID (unique in the cluster)");
    }
    URI advertise = null;
    if (values.containsKey("--advertise")) {
      try {
        advertise = new URI(values.get("--advertise"));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("--advertise must be a URL like http://10.0.0.5:8080, got: " + values.get("--advertise"));
      }
    }
    long session = values.containsKey("--cluster-session-timeout-ms")
        ? parseLong("--cluster-session-timeout-ms", values.get("--cluster-session-timeout-ms"), 1000, 600_000)
        : ClusterOptions.DEFAULT_SESSION_TIMEOUT.toMillis();
    long handOff = values.containsKey("--hand-off-timeout-s")
        ? parseLong("--hand-off-timeout-s", values.get("--hand-off-timeout-s"), 1, 86_400)
        : ClusterOptions.DEFAULT_HAND_OFF_TIMEOUT.toSeconds();
    ClusterOptions options = new ClusterOptions(values.get("--cluster"), nodeId, advertise, values.get("--grpc-advertise"),
        Duration.ofMillis(session), Duration.ofSeconds(handOff));
    // The cluster module's checks, now rather than after the listeners are up.
    io.vecstore.cluster.ClusterConfig.of(options.connect(), nodeId, advertise == null ? URI.create("http://127.0.0.1") : advertise)
        .withGrpcAddress(options.grpcAdvertise());
    return options;
  }

  static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }

  /** Parses serve's flags; null means help was asked for. */
  static ServerConfig parseServe(Deque<String> args) {
    Path data = Path.of("data");
    String host = ServerConfig.DEFAULT_HOST;
    int port = ServerConfig.DEFAULT_PORT;
    long maxBody = ServerConfig.DEFAULT_MAX_BODY_BYTES;
    Durability durability = Durability.REQUEST;
    long asyncFsyncMs = 100;
    String adminKey = emptyToNull(System.getenv("VECSTORE_ADMIN_KEY"));
    boolean metricsPublic = false;
    long graceHours = 168;
    int grpcPort = ServerConfig.DEFAULT_GRPC_PORT;
    String pineconeIndex = PineconeConfig.DEFAULT_INDEX_NAME;
    String pineconeNamespace = null;
    Plans plans = Plans.builtIn();
    while (!args.isEmpty()) {
      String flag = args.pop();
      if (isHelp(flag)) {
        return null;
      }
      if (flag.equals("--metrics-public")) {
        metricsPublic = true;
        continue;
      }
      String value = switch (flag) {
        case "--data", "--host", "--port", "--max-body-bytes", "--durability", "--async-fsync-ms", "--admin-key-file",
            "--deletion-grace-hours", "--grpc-port", "--pinecone-index", "--pinecone-namespace", "--plans" -> {
          if (args.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
          }
          yield args.pop();
        }
        default -> throw new IllegalArgumentException("Unknown option: " + flag);
      };
      switch (flag) {
        case "--data" -> data = Path.of(value);
        case "--host" -> host = value;
        case "--port" -> port = parseLong(flag, value, 0, 65535).intValue();
        case "--max-body-bytes" -> maxBody = parseLong(flag, value, 1, Long.MAX_VALUE);
        case "--durability" -> durability = Durability.parse(value);
        case "--async-fsync-ms" -> asyncFsyncMs = parseLong(flag, value, 1, 60_000);
        case "--admin-key-file" -> adminKey = readKeyFile(value);
        case "--deletion-grace-hours" -> graceHours = parseLong(flag, value, 0, 24L * 365 * 10);
        case "--grpc-port" -> grpcPort = parseLong(flag, value, 0, 65535).intValue();
        case "--pinecone-index" -> pineconeIndex = value;
        case "--pinecone-namespace" -> pineconeNamespace = value;
        case "--plans" -> plans = readPlans(value);
        default -> throw new IllegalStateException(flag);
      }
    }
    ServerConfig config = new ServerConfig(host, port, data, maxBody, durability, Duration.ofMillis(asyncFsyncMs),
        adminKey, metricsPublic, Duration.ofHours(graceHours), grpcPort, new PineconeConfig(pineconeIndex, pineconeNamespace),
        plans);
    if (adminKey == null && !isLoopback(host)) {
      throw new IllegalArgumentException("Refusing to listen on " + host + " without an admin key: anyone who can "
          + "reach the port could read and delete every namespace. Set VECSTORE_ADMIN_KEY or --admin-key-file, "
          + "or listen on 127.0.0.1.");
    }
    return config;
  }

  /** The admin key a tool sends: {@code --admin-key-file F} (taken out of the arguments), else VECSTORE_ADMIN_KEY. */
  static String toolAdminKey(Deque<String> args) {
    java.util.List<String> list = new java.util.ArrayList<>(args);
    int i = list.indexOf("--admin-key-file");
    if (i < 0) {
      return emptyToNull(System.getenv("VECSTORE_ADMIN_KEY"));
    }
    if (i + 1 >= list.size()) {
      throw new IllegalArgumentException("--admin-key-file needs a value");
    }
    String key = readKeyFile(list.get(i + 1));
    list.subList(i, i + 2).clear();
    args.clear();
    args.addAll(list);
    return key;
  }

  static String readKeyFile(String path) {
    try {
      String key = Files.readString(Path.of(path)).trim();
      if (key.isEmpty()) {
        throw new IllegalArgumentException("--admin-key-file " + path + " is empty");
      }
      return key;
    } catch (IOException e) {
      throw new IllegalArgumentException("--admin-key-file " + path + " cannot be read: " + e.getMessage());
    }
  }

  /** The plans of a {@code --plans} file; anything wrong with it is refused naming the file, the plan, the field and the value. */
  static Plans readPlans(String path) {
    byte[] json;
    try {
      json = Files.readAllBytes(Path.of(path));
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("--plans " + path + " cannot be read: " + e.getMessage());
    }
    try {
      return PlanCodec.readFile(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--plans " + path + ": " + e.getMessage());
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--host " + host + " is not a known address");
    }
  }

  static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static Long parseLong(String flag, String value, long min, long max) {
    try {
      long v = Long.parseLong(value);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " must be an integer between " + min + " and " + max + ", got: " + value);
  }
}
