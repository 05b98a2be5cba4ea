package io.imgtrust.core.internal.locks;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Internal to core. One exclusive lock per name (a cache entry, or an instance disk being built:
 * {@code spi.DiskBuild}), across threads (a {@link ReentrantLock}) and across processes (an {@code fcntl} lock on
 * {@code <dir>/<name>.lock}, e.g. {@code .imgtrust/locks/}, released by the kernel if the process dies). Lock files
 * are never deleted, so two processes always lock the same inode. They are created 0600 in the private lock
 * directory and opened with {@code O_NOFOLLOW}: a symbolic link in their place is refused ({@code UNSAFE_CACHE}),
 * never followed.
 *
 * <p>POSIX drops every {@code fcntl} lock a process holds on a file when it closes any descriptor of that file. So the
 * in-process lock is process-wide, one per lock file (keyed by its real path), shared by every {@code EntryLocks} of
 * the process: only the thread holding it ever opens the lock file, and no other instance can close a descriptor
 * that would drop the holder's lock.
 *
 * <p>Every wait is bounded by the timeout: a lock not obtained in time, or a wait interrupted, ends in
 * {@code LOCK_TIMEOUT} naming the holder where the kernel tells it ({@code /proc/locks}).
 */
public final class EntryLocks {
  private static final long FIRST_PAUSE_MILLIS = 5;
  private static final long LONGEST_PAUSE_MILLIS = 250;

  /** The in-process locks of every lock file this process has used, by the lock file's real path. */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

  private final Path dir;
  private final Duration timeout;

  /** Locks whose files live in {@code dir} (which must exist); every wait ends after {@code timeout}. */
  public EntryLocks(Path dir, Duration timeout) {
    this.dir = realPath(dir);
    this.timeout = timeout;
  }

  /** {@code dir} with symbolic links resolved, so two spellings of one cache share their locks. */
  private static Path realPath(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize(); // opening a lock file in it will fail and say why
    }
  }

  /** Waits at most the timeout until this thread holds the entry's lock. */
  public Held acquire(String name) throws ImageTrustException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path file = dir.resolve(name + ".lock");
    ReentrantLock l = LOCAL.computeIfAbsent(file, k -> new ReentrantLock());
    try {
      if (!l.tryLock(remaining(deadline), TimeUnit.NANOSECONDS)) {
        throw timedOut(file, "another thread of this process (pid " + ProcessHandle.current().pid() + ")");
      }
    } catch (InterruptedException e) {
      throw interrupted(file, e);
    }
    if (l.getHoldCount() > 1) {
      l.unlock();
      throw new IllegalStateException("bug: entry lock " + name + " taken again by the thread holding it");
    }
    FileChannel ch = null;
    try {
      ch = open(file);
      return new Held(l, ch, lockFile(ch, file, deadline));
    } catch (ImageTrustException | RuntimeException e) {
      closeQuietly(ch);
      l.unlock();
      throw e;
    }
  }

  private static FileChannel open(Path file) throws ImageTrustException {
    try {
      return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      if (Files.isSymbolicLink(file)) { // O_NOFOLLOW refused it (ELOOP)
        throw ImageTrustException.wrap(Reason.UNSAFE_CACHE, "lock file " + file + " is a symbolic link, which "
            + "imgtrust never follows; fix: rm " + file, e);
      }
      throw ioError(file, e);
    }
  }

  private FileLock lockFile(FileChannel ch, Path file, long deadline) throws ImageTrustException {
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      try {
        FileLock lock = ch.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        // locked through another channel of this JVM (not through EntryLocks): wait for it like for a process
      } catch (ClosedByInterruptException e) {
        throw interrupted(file, e);
      } catch (IOException e) {
        throw ioError(file, e);
      }
      long left = remaining(deadline);
      if (left <= 0) {
        throw timedOut(file, LockHolder.describe(file));
      }
      try {
        Thread.sleep(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(left) + 1));
      } catch (InterruptedException e) {
        throw interrupted(file, e);
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
    }
  }

  private static long remaining(long deadline) {
    return deadline - System.nanoTime();
  }

  private ImageTrustException timedOut(Path file, String holder) {
    return ImageTrustException.of(Reason.LOCK_TIMEOUT, "lock " + file + " not obtained within "
        + timeout.toSeconds() + " s ([image_cache] lock_timeout_seconds): it is held by " + holder
        + "; wait for that process to finish, or stop it if it hangs (a cache fill holds the lock while it "
        + "verifies and converts)");
  }

  private static ImageTrustException interrupted(Path file, Exception e) {
    Thread.currentThread().interrupt();
    return ImageTrustException.wrap(Reason.LOCK_TIMEOUT, "interrupted while waiting for lock " + file, e);
  }

  private static ImageTrustException ioError(Path file, IOException e) {
    return ImageTrustException.wrap(Reason.IO_ERROR, "cannot lock " + file + ": " + IoErrors.describe(e), e);
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
  public static final class Held implements AutoCloseable {
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
