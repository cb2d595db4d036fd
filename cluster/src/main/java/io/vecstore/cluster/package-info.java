/**
 * Cluster mode's coordination layer: namespaces spread over several servers, coordinated by
 * Apache ZooKeeper through Apache Curator recipes. The unit of placement is the namespace: it
 * lives whole on one node, its owner (the primary), with whole copies on {@code
 * replication_factor - 1} other nodes (replicas) that the owner keeps in step. This package knows nothing of Lucene, HTTP routes or gRPC services;
 * the server plugs in through {@link io.vecstore.cluster.LoadSource} and
 * {@link io.vecstore.cluster.MoveExecutor}, and uses the rest.
 *
 * <h2>What the server does</h2>
 *
 * <ul>
 *   <li>{@code Main}: {@code ClusterNode.start(ClusterConfig.of(connect, nodeId, advertiseUrl)…,
 *       loadSource, moveExecutor)}; at SIGTERM {@code handOff(timeout)} then {@code close()}.
 *   <li>Every namespace request: {@code router().route(id)} → {@code Local(epoch)} serve here;
 *       {@code Remote} forward with {@code forwarder().forward(remote, request)} (REST) or to
 *       {@code grpcAddress} (gRPC) and return the answer unchanged; {@code Unplaced} 404;
 *       {@code OwnerDown} 503 with Retry-After. A request that carries
 *       {@code X-VecStore-Forwarded-By} is never forwarded again: if the cached route is not
 *       Local, ask {@code routeFresh(id)}; serve it if that is Local, else 503 {@code not_owner}.
 *   <li>Before acknowledging a write: {@code fence().check(id, epoch)}; on {@code NotOwner}
 *       answer 503 {@code not_owner} with its Retry-After (the write is not acknowledged).
 *   <li>Create: {@code placements().claim(id)} → {@code Claimed} (the owner, maybe another node,
 *       creates it: route again and serve or forward) or {@code AlreadyPlaced} (409). Delete:
 *       after deleting locally, {@code placements().release(id, epoch)}.
 *   <li>Admin: {@code view()} for {@code GET /admin/cluster}, and to fan cluster-wide listings out
 *       to {@code view().nodes()}; {@code forwarder().forwardCounts()} and
 *       {@code view().nodes().size()} for metrics ({@code vecstore_cluster_nodes}).
 * </ul>
 *
 * <h2>ZooKeeper layout</h2>
 *
 * <pre>
 * &lt;root&gt;/nodes/&lt;nodeId&gt;     EPHEMERAL  {node_id, advertise_url, grpc_address, state: active|leaving,
 *                                      load: {vectors, storage_bytes, namespaces}, started_at}
 * &lt;root&gt;/loads/&lt;nodeId&gt;     EPHEMERAL  {"&lt;namespace id&gt;": [vectors, storage_bytes], …}
 * &lt;root&gt;/namespaces/&lt;id&gt;    PERSISTENT {owner, epoch, state: owned|moving, target?,
 *                                      replication_factor?, replicas?: [nodeId…], in_sync?: [nodeId…]}
 * &lt;root&gt;/leader/…             LeaderLatch's ephemeral sequential znodes
 * </pre>
 *
 * The root is {@code /vecstore} by default. Node znodes are kept by Curator's PersistentNode
 * recipe, so they are recreated in a new session after an expiry. Every change of a placement
 * is a versioned write (create-if-absent, setData/delete at the version read, and one
 * multi-operation transaction for {@code reassign}).
 *
 * <h2>Load and balance</h2>
 *
 * New namespaces go to the live, non-leaving node with the fewest vectors, then fewest storage
 * bytes (as published every two seconds), then fewest placements; exact ties by a hash of the
 * namespace and node ids (rendezvous hashing). A balancing round also follows new placements. The
 * {@link io.vecstore.cluster.Balancer}, run by the leader, weighs a namespace as {@code 1 +
 * vectors} and a node as the sum over the namespaces it owns; balanced means every node within
 * 10% of the mean. It moves namespaces from the most to the least loaded nodes, only moves that
 * strictly lower the sum of squared loads, never a namespace already moving, one move per source
 * node at a time.
 *
 * <h2>Fencing: what is guaranteed</h2>
 *
 * A node acknowledges a write of a namespace only if, at the check: its ZooKeeper handle is
 * CONNECTED (read from the handle, so a dropped connection or an expired session counts at
 * once, before Curator's SUSPENDED/LOST events, which also close the fence); since its last
 * (re)connection it has found its own node znode in its current session and re-read, after a
 * sync, the placements of the namespaces it owns; its view says it owns the namespace, at the
 * epoch the write started under; and the namespace is not in the last step of a move. Ownership
 * changes only (1) by the owner's own transfer at the end of a move, after its writes of the
 * namespace are sealed, or (2) by {@code reassign}, which succeeds only while the owner has no
 * node znode. An owner that comes back registers before it re-reads, so it sees the reassignment
 * before it could write. The fence checker in the tests holds this through session expiries,
 * server restarts, moves and reassignments.
 *
 * <h2>Replicas</h2>
 *
 * The owner acknowledges a write only after every replica in {@code in_sync} has it durable, or
 * after it removed the replicas that did not confirm from {@code in_sync} (a versioned write at
 * its epoch: if that fails, the write is refused). So every in-sync replica holds every
 * acknowledged write, and only in-sync replicas are promoted ({@link Placements#promote}, in the
 * same transaction as the check that the old owner's znode is gone). Replicas are assigned and
 * unassigned by the leader; a replica joins {@code in_sync} only by the owner, after it built the
 * copy and shipped the log with the owner's writes paused. A promotion empties {@code in_sync}:
 * the new owner rebuilds its replicas (an old owner that returns holds writes nobody
 * acknowledged, and its copy is dropped).
 *
 * <h2>Fencing: the limits</h2>
 *
 * <ul>
 *   <li>Between session loss and expiry: a client that stops hearing from ZooKeeper declares
 *       itself disconnected after about two thirds of the session timeout (at once on a socket
 *       error) and refuses writes from then on; the server expires the session only after the
 *       whole timeout, and only then is the node's znode gone and a reassignment possible. So the
 *       old owner stops about a third of the session timeout (5 s at 15 s) before anyone can take
 *       over. Then the leader promotes one of the namespace's in-sync replicas ({@link
 *       ReplicaDuties}); a namespace without a live in-sync replica answers 503 ({@code
 *       OwnerDown}) until its node returns or an operator reassigns it.
 *   <li>The check and the acknowledgment are two steps. A process paused between them (GC, VM
 *       freeze) for longer than that margin could acknowledge a write after its session expired
 *       and a reassignment; ZooKeeper cannot prevent this. Such a write is lost, not doubled: the
 *       new owner's data does not contain it. Pass the route's epoch to the check to at least
 *       refuse writes begun under an older ownership.
 *   <li>Reads are not fenced: a node cut off from ZooKeeper keeps serving reads of the
 *       namespaces it owned (possibly stale after a reassignment it has not heard of).
 *   <li>After a reconnect, writes wait for one ZooKeeper read per namespace the node owns
 *       (sequential: about a second per thousand namespaces on a LAN). Namespaces given to the
 *       node while it was away become writable when its cache hears of them.
 *   <li>A transfer whose answer was lost keeps the namespace sealed (writes refused) until
 *       ZooKeeper answers again and the outcome is known.
 *   <li>{@code reassign} moves ownership only; restoring the data on the new owner is the
 *       operator's (the lost node's disk, or a snapshot).
 *   <li>Two processes started with the same node id at the same instant: the second waits one
 *       session timeout and refuses; but after both have run, a session expiry of one could let
 *       the other's PersistentNode take the znode over. Node ids must be unique by configuration.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * Per node: Curator's ({@code vecstore-cluster-<id>-curator-N}), ZooKeeper's client threads
 * ({@code vecstore-cluster-<id>-zk-SendThread/EventThread}), one scheduler
 * ({@code …-scheduler-1}: load publishing, balancing, reconnect verification), one move thread
 * ({@code …-mover-1}) and the forwarder's HTTP client threads ({@code …-forward-N}). All are
 * daemons and stop on {@link io.vecstore.cluster.ClusterNode#close()}.
 */
package io.vecstore.cluster;
