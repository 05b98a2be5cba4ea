package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Runs one piece of work per key at a time in this process: callers that arrive while it runs wait for the same
 * outcome (result or exception) instead of repeating it.
 */
final class SingleFlight<V> {
  /** The work; may throw {@link ImageTrustException}. */
  interface Work<V> {
    V call() throws ImageTrustException;
  }

  /** The outcome and whether this caller shared another caller's run. */
  static final class Outcome<V> {
    final V value;
    final boolean shared;

    Outcome(V value, boolean shared) {
      this.value = value;
      this.shared = shared;
    }
  }

  private final ConcurrentHashMap<String, CompletableFuture<V>> running = new ConcurrentHashMap<>();

  Outcome<V> run(String key, Work<V> work) throws ImageTrustException {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> theirs = running.putIfAbsent(key, mine);
    if (theirs != null) {
      return new Outcome<>(join(theirs), true);
    }
    try {
      V v = work.call();
      mine.complete(v);
      return new Outcome<>(v, false);
    } catch (ImageTrustException | RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(key, mine);
    }
  }

  private static <V> V join(CompletableFuture<V> f) throws ImageTrustException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.INTERNAL, "interrupted while waiting for a shared check", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof ImageTrustException) {
        throw (ImageTrustException) c;
      } else if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw (Error) c;
    }
  }
}
