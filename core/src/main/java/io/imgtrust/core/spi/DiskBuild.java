package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.internal.locks.EntryLocks;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.NoReplaceRename;
import io.imgtrust.core.io.StrictModes;
import io.imgtrust.core.io.Temporaries;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one way a backend builds an instance disk {@code <instances_path>/<instance>/<name>}: under the disk's lock,
 * refuse an existing disk ({@code TARGET_EXISTS}), remove the temporaries an interrupted build of the same disk left,
 * build under a fresh temporary name {@code .<name>.<tag>-<random>}, publish it with the backend's
 * {@link Publication} (never replacing), and undo everything on any failure (the temporary, and the instance directory
 * if this build made it and it is empty).
 *
 * <p>The per-disk lock is exclusive across threads and processes ({@code fcntl} on
 * {@code <instances_path>/.locks/<instance>@<name>.lock}, 0600 in a 0700 directory, opened {@code O_NOFOLLOW}; lock
 * files are kept, so every process locks the same inode), and every wait ends after
 * {@code [image_cache] lock_timeout_seconds} in {@code LOCK_TIMEOUT}. So two prepares, or a prepare and a remove, of
 * one disk never remove each other's temporaries. Immutable and thread-safe.
 */
public final class DiskBuild {
  private final Path target;
  private final String tag;
  private final Publication publication;
  private final Path lockDir;
  private final Duration lockTimeout;

  private DiskBuild(Path target, String tag, Publication publication, Path lockDir, Duration lockTimeout) {
    this.target = target;
    this.tag = tag;
    this.publication = publication;
    this.lockDir = lockDir;
    this.lockTimeout = lockTimeout;
  }

  /** The build of disk {@code name} of {@code instance} (plain names), temporaries tagged {@code tag}. */
  public static DiskBuild of(BackendContext ctx, String instance, String name, String tag, Publication publication)
      throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, name);
    Path instances = ctx.config().path(Key.INSTANCES_PATH);
    return new DiskBuild(instances.resolve(instance).resolve(name), tag, publication, instances.resolve(".locks"),
        Duration.ofSeconds(ctx.config().number(Key.LOCK_TIMEOUT_SECONDS)));
  }

  /** Builds the content of a temporary (a file or a directory the step creates at {@code tmp}). */
  @FunctionalInterface
  public interface Step<T> {
    T build(Path tmp) throws IOException, ImageTrustException;
  }

  /** Work done under the disk's lock only ({@link #locked}). */
  @FunctionalInterface
  public interface Locked<T> {
    T run() throws IOException, ImageTrustException;
  }

  /** The disk's final path. */
  public Path target() {
    return target;
  }

  /**
   * Runs the whole skeleton around {@code step} and returns what it returned; the disk exists under its final name
   * when this returns.
   *
   * @throws ImageTrustException {@code TARGET_EXISTS} (the disk exists, or appeared meanwhile: it is kept),
   *     {@code IO_ERROR}, {@code LOCK_TIMEOUT}, or whatever {@code step} threw; nothing of this build is left
   */
  public <T> T run(Step<T> step) throws ImageTrustException {
    Path dir = target.getParent();
    try (EntryLocks.Held held = lock()) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw exists("already exists");
      }
      boolean madeDir = !Files.isDirectory(dir);
      Path tmp = AtomicFiles.tempSibling(target, tag);
      try {
        Files.createDirectories(dir);
        Temporaries.removeStale(target, tag);
        T result = step.build(tmp);
        publication.publish(tmp, target);
        return result;
      } catch (FileAlreadyExistsException e) {
        Temporaries.undo(tmp, dir, false);
        throw exists("appeared meanwhile; kept");
      } catch (NoReplaceRename.UnsupportedException e) {
        Temporaries.undo(tmp, dir, madeDir);
        throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot publish " + target + ": " + e.getMessage(), e);
      } catch (IOException e) {
        Temporaries.undo(tmp, dir, madeDir);
        throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot make " + target + ": " + IoErrors.describe(e), e);
      } catch (ImageTrustException | RuntimeException e) {
        Temporaries.undo(tmp, dir, madeDir);
        throw e;
      }
    }
  }

  /** Removes the disk and its temporaries under the disk's lock, and the instance directory if it is then empty. */
  public void remove() throws ImageTrustException {
    try (EntryLocks.Held held = lock()) {
      Temporaries.deleteTree(target);
      Temporaries.removeStale(target, tag);
      Temporaries.removeIfEmpty(target.getParent());
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot remove " + target + ": " + IoErrors.describe(e), e);
    }
  }

  /**
   * Runs {@code work} under the disk's lock and nothing else (no directory, no temporary, no publication): for
   * backends whose disks are not files under {@code instances_path} (an LV, an RBD image), so that their prepares
   * and removes of one disk are serialized as files' are.
   *
   * @throws ImageTrustException {@code LOCK_TIMEOUT}, {@code IO_ERROR} (also for an {@link IOException} of
   *     {@code work}), or whatever {@code work} threw
   */
  public <T> T locked(Locked<T> work) throws ImageTrustException {
    try (EntryLocks.Held held = lock()) {
      return work.run();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "disk " + target.getFileName() + " of instance "
          + target.getParent().getFileName() + ": " + IoErrors.describe(e), e);
    }
  }

  private EntryLocks.Held lock() throws ImageTrustException {
    try {
      Files.createDirectories(lockDir.getParent());
      StrictModes.createDirectory(lockDir, "rwx------");
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot make " + lockDir + ": " + IoErrors.describe(e), e);
    }
    // EntryLocks keeps its in-process locks process-wide, so a new instance per call shares them.
    return new EntryLocks(lockDir, lockTimeout).acquire(target.getParent().getFileName() + "@" + target.getFileName());
  }

  private ImageTrustException exists(String what) {
    return ImageTrustException.of(Reason.TARGET_EXISTS, "instance disk " + target + " " + what,
        ImmutableMap.of("target", target.toString()));
  }
}
