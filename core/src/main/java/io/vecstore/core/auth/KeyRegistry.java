package io.vecstore.core.auth;

import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The namespace keys of a server: creating, listing and revoking them, and finding which key a
 * presented one is. Keys are stored with their namespace (as salted hashes); this registry keeps
 * only the index from a key's public id to its namespace, so authentication looks at one
 * namespace's keys, never all of them.
 *
 * <p>Thread-safety: safe for concurrent use. Changes to one namespace's keys are serialized by the
 * namespace ({@link KeyedNamespace#changeKeys}).
 */
public final class KeyRegistry {

  private static final int MAX_KEYS_PER_NAMESPACE = 100;
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final Function<String, ? extends KeyedNamespace> namespaces;
  private final Clock clock;
  /** Key id → namespace id, for every key of every namespace. */
  private final ConcurrentHashMap<String, String> index = new ConcurrentHashMap<>();

  /** @param namespaces the namespace with an id, or null when there is none */
  public KeyRegistry(Function<String, ? extends KeyedNamespace> namespaces, Clock clock) {
    this.namespaces = namespaces;
    this.clock = clock;
  }

  /** Indexes the keys of a namespace as it is loaded. */
  public void add(KeyedNamespace ns) {
    ns.keys().forEach(k -> index.put(k.id(), ns.id()));
  }

  /** Forgets the keys of a namespace as it is deleted. */
  public void remove(KeyedNamespace ns) {
    ns.keys().forEach(k -> index.remove(k.id(), ns.id()));
  }

  /** Creates a namespace key; the returned secret is never stored or shown again. */
  public NewApiKey create(String namespaceId, String name, KeyRole role) {
    KeyedNamespace ns = require(namespaceId);
    if (name == null || !KEY_NAME.matcher(name).matches()) {
      throw new InvalidRequestException("key name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got: " + name);
    }
    ApiKeys.Created created = ApiKeys.create(name, role, clock.instant());
    ns.changeKeys(keys -> {
      if (keys.stream().anyMatch(k -> k.name().equals(name))) {
        throw AlreadyExistsException.key(namespaceId, name);
      }
      if (keys.size() >= MAX_KEYS_PER_NAMESPACE) {
        throw new InvalidRequestException("a namespace has at most " + MAX_KEYS_PER_NAMESPACE + " keys");
      }
      List<StoredKey> changed = new ArrayList<>(keys);
      changed.add(created.stored());
      return changed;
    });
    index.put(created.stored().id(), namespaceId);
    return new NewApiKey(created.stored().info(), created.key());
  }

  public List<ApiKeyInfo> list(String namespaceId) {
    return require(namespaceId).keyInfos();
  }

  /** Revokes a key; the next request with it fails. */
  public void revoke(String namespaceId, String name) {
    KeyedNamespace ns = require(namespaceId);
    String[] revoked = new String[1];
    ns.changeKeys(keys -> {
      StoredKey key = keys.stream().filter(k -> k.name().equals(name)).findFirst()
          .orElseThrow(() -> NotFoundException.key(namespaceId, name));
      revoked[0] = key.id();
      return keys.stream().filter(k -> k != key).toList();
    });
    index.remove(revoked[0], namespaceId);
  }

  /**
   * The namespace a presented key names by its public id, without checking its secret: for routes
   * whose namespace defaults to the key's own, which authentication then checks as usual. Null
   * when it is not shaped like a namespace key or names no key known here.
   */
  public String namespaceNamedBy(String presented) {
    String id = presented == null ? null : ApiKeys.idOf(presented);
    return id == null ? null : namespaceOfKeyId(id);
  }

  /** The namespace of the key with this public id, or null when none here has it. */
  public String namespaceOfKeyId(String keyId) {
    return index.get(keyId);
  }

  /**
   * The namespace key {@code presented} is, if it is one. Hash comparison is constant-time; a
   * key of a deleted namespace or a revoked key matches nothing.
   */
  public Optional<KeyMatch> authenticate(String presented) {
    String id = ApiKeys.idOf(presented);
    String namespaceId = id == null ? null : index.get(id);
    KeyedNamespace ns = namespaceId == null ? null : namespaces.apply(namespaceId);
    if (ns == null) {
      return Optional.empty();
    }
    for (StoredKey k : ns.keys()) {
      if (k.id().equals(id) && ApiKeys.matches(k, presented)) {
        ns.keyUsed(k.id(), clock.instant());
        return Optional.of(new KeyMatch(namespaceId, k.name(), k.role()));
      }
    }
    return Optional.empty();
  }

  private KeyedNamespace require(String namespaceId) {
    KeyedNamespace ns = namespaceId == null ? null : namespaces.apply(namespaceId);
    if (ns == null) {
      throw NotFoundException.namespace(namespaceId);
    }
    return ns;
  }
}
