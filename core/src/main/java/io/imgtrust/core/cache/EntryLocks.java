package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One exclusive lock per cache entry, across threads (a {@link ReentrantLock}) and across processes (an
 * {@code fcntl} lock on {@code .imgtrust/locks/<name>.lock}, released by the kernel if the process dies). Lock files
 * are never deleted, so two processes always lock the same inode.
 */
final class EntryLocks {
  private final Path dir;
  private final ConcurrentHashMap<String, ReentrantLock> local = new ConcurrentHashMap<>();

  EntryLocks(Path dir) {
    this.dir = dir;
  }

  /** Blocks until this thread holds the entry's lock. */
  Held acquire(String name) throws ImageTrustException {
    ReentrantLock l = local.computeIfAbsent(name, k -> new ReentrantLock());
    l.lock();
    FileChannel ch = null;
    try {
      java.nio.file.Files.createDirectories(dir);
      ch = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new Held(l, ch, ch.lock());
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      l.unlock();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot lock cache entry " + name + ": "
          + (e instanceof IOException ? IoErrors.describe((IOException) e) : e.toString()), e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      if (ch != null) {
        ch.close();
      }
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** A held entry lock; closing releases it. */
  static final class Held implements AutoCloseable {
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    Held(ReentrantLock local, FileChannel channel, FileLock lock) {
      this.local = local;
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(channel);
      local.unlock();
    }
  }
}
