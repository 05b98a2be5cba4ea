package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chunk leaves of a file by memory-mapping it: each core hashes its own chunks straight from the page cache, with no
 * reader thread and no copy. Each chunk is unmapped as soon as it is hashed, so the mapped pages in the process's
 * resident set stay at a few chunks whatever the file's size. A chunk that is wholly a hole in the file (it reads as
 * zeros) is neither mapped nor read. For rechecks, where nothing is written. The file is opened read-only without
 * following a symbolic link; a file that shrinks while mapped fails with an {@link IOException} (not a crash).
 */
public final class MappedChunkHasher {
  private final int lanes;

  private MappedChunkHasher(int lanes) {
    this.lanes = Math.max(1, lanes);
  }

  public static MappedChunkHasher create() {
    return new MappedChunkHasher(Runtime.getRuntime().availableProcessors());
  }

  /** The chunk leaves of {@code file} (no whole-file digests). Interrupting the caller cancels the pass. */
  public ImageDigests chunks(Path file) throws IOException {
    try (Holes.Opened opened = Holes.open(file, false)) {
      long size = opened.channel.size();
      int n = (int) ((size + DigestPlan.CHUNK_SIZE - 1) / DigestPlan.CHUNK_SIZE);
      HashCode[] leaves = new HashCode[n];
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int lane = 0; lane < lanes; lane++) {
        int first = lane;
        Thread t = new Thread(() -> hashLane(opened, size, first, leaves, failure), "imgtrust-chunks");
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      join(threads, failure);
      Throwable f = failure.get();
      if (f instanceof IOException) {
        throw (IOException) f;
      } else if (f != null) {
        throw new IOException(file + " could not be read while mapped (did it change?): " + f, f);
      }
      return new ImageDigests(ImmutableMap.of(), ImmutableList.copyOf(leaves), size);
    }
  }

  private void hashLane(Holes.Opened f, long size, int first, HashCode[] leaves,
      AtomicReference<Throwable> failure) {
    MessageDigest md = HashAlgorithm.SHA256.newDigest();
    try {
      for (int i = first; i < leaves.length && failure.get() == null; i += lanes) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("chunk hashing cancelled");
        }
        long pos = (long) i * DigestPlan.CHUNK_SIZE;
        int len = (int) Math.min(DigestPlan.CHUNK_SIZE, size - pos);
        if (f.holes.hole(pos, pos + len)) {
          leaves[i] = HashCode.fromBytes(ZeroChunks.holeLeaf(len, md));
          continue;
        }
        MappedByteBuffer m = f.channel.map(FileChannel.MapMode.READ_ONLY, pos, len);
        try {
          leaves[i] = HashCode.fromBytes(ZeroChunks.leaf(m, md));
        } finally {
          Unmapping.unmap(m);
        }
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  private static void join(List<Thread> threads, AtomicReference<Throwable> failure) throws InterruptedIOException {
    boolean interrupted = false;
    for (Thread t : threads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
          failure.compareAndSet(null, new InterruptedIOException("chunk hashing cancelled"));
          threads.forEach(Thread::interrupt);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
