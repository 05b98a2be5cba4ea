package io.imgtrust.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Crash-safe file writes: content goes to a temporary file in the same directory, is fsynced, then renamed over the
 * target, and the directory is fsynced. After a crash the target holds the old content or the new, never a mix.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content}, with {@code mode} (e.g. {@code rw-------}). */
  public static void write(Path target, byte[] content, String mode) throws IOException {
    Path tmp = tempSibling(target, "tmp");
    try {
      writeNew(tmp, content, mode);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDirectory(target.toAbsolutePath().getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Creates {@code target} with {@code content} only if it does not exist; atomic (link, never replace).
   *
   * @throws FileAlreadyExistsException if it exists
   */
  public static void create(Path target, byte[] content, String mode) throws IOException {
    Path tmp = tempSibling(target, "new");
    try {
      writeNew(tmp, content, mode);
      Files.createLink(target, tmp);
      fsyncDirectory(target.toAbsolutePath().getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Gives the finished file {@code tmp} its final name {@code target} without ever replacing an existing file (a hard
   * link, then the temporary name removed), and makes that durable.
   *
   * @throws FileAlreadyExistsException if {@code target} exists; {@code tmp} is left for the caller to remove
   */
  public static void publishNoReplace(Path tmp, Path target) throws IOException {
    Files.createLink(target, tmp);
    Files.delete(tmp);
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /** A fresh, unused name next to {@code target}: {@code .<name>.<tag>-<random>}. */
  public static Path tempSibling(Path target, String tag) {
    long r = RANDOM.nextLong() & Long.MAX_VALUE;
    return target.resolveSibling("." + target.getFileName() + "." + tag + "-" + Long.toString(r, 36));
  }

  /** Flushes a directory's entries (new names, renames) to disk. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void writeNew(Path file, byte[] content, String mode) throws IOException {
    Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
    try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(perms))) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.setPosixFilePermissions(file, perms);
  }
}
