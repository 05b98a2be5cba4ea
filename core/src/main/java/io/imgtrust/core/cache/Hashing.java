package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.MappedChunkHasher;
import io.imgtrust.core.digest.ImageDigests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** One chunk-leaf pass over a cache file on its own thread, started early and joined or cancelled later. */
final class Hashing {
  private final Thread thread;
  private final CompletableFuture<ImageDigests> result;

  private Hashing(Thread thread, CompletableFuture<ImageDigests> result) {
    this.thread = thread;
    this.result = result;
  }

  /** Starts hashing {@code file} (opened without following links; a link fails the pass). */
  static Hashing start(Path file) {
    CompletableFuture<ImageDigests> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(MappedChunkHasher.create().chunks(file));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "imgtrust-recheck");
    t.setDaemon(true);
    t.start();
    return new Hashing(t, f);
  }

  /** Waits for the pass. */
  ImageDigests result() throws IOException, ImageTrustException {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.INTERNAL, "interrupted while hashing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException) {
        throw (IOException) e.getCause();
      }
      throw new IllegalStateException("hashing failed", e.getCause());
    }
  }

  /** Stops the pass if it is still running and waits for its thread to end. */
  void cancel() {
    if (!result.isDone()) {
      thread.interrupt();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
