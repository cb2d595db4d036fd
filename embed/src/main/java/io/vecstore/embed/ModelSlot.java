package io.vecstore.embed;

import io.vecstore.core.error.UnavailableException;
import java.util.function.Supplier;

/**
 * A model loaded on first use, exactly once however many threads ask at the same time, then
 * shared. A load that throws leaves the slot empty, so a later call tries again (a model file
 * fixed, memory freed).
 *
 * <p>Thread-safety: thread-safe. Loads and {@link #close} take the slot's lock; a loaded model is
 * then read without it.
 *
 * @param <T> the loaded model; closed by {@link #close}
 */
final class ModelSlot<T extends AutoCloseable> {

  private final String name;
  private final Supplier<T> loader;
  private volatile T loaded;
  private boolean closed; // guarded by this

  /**
   * @param name the model's wire name, for errors
   * @param loader loads the model, or throws (an {@link UnavailableException}) to leave the slot empty
   */
  ModelSlot(String name, Supplier<T> loader) {
    this.name = name;
    this.loader = loader;
  }

  /** The model, loading it if it is not yet; an {@link UnavailableException} once closed. */
  T get() {
    T model = loaded;
    if (model != null) {
      return model;
    }
    synchronized (this) {
      if (closed) {
        throw UnavailableException.embedding(name, "the embedder is closed");
      }
      if (loaded == null) {
        loaded = loader.get();
      }
      return loaded;
    }
  }

  /**
   * Closes the model if it was loaded; later {@link #get} calls fail. Idempotent. The caller
   * makes sure no thread still uses the model.
   */
  synchronized void close() throws Exception {
    closed = true;
    T model = loaded;
    loaded = null;
    if (model != null) {
      model.close();
    }
  }
}
