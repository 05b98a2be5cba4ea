package io.imgtrust.core.io;

import com.google.common.collect.ImmutableSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens side files (log, metrics, lock files) that live in a directory {@link StrictModes} accepted, so that no one
 * else can create, rename or replace entries there: never through a symbolic link ({@code O_NOFOLLOW}), only a regular
 * file owned by root or the user imgtrust runs as, so a FIFO or device planted there is refused before it is opened
 * (opening a FIFO blocks until someone opens its other end). Checked before and after the open. The caller must have
 * checked the directory: in a directory others can write, the check and the open race. Static, thread-safe.
 */
public final class RegularFiles {
  private static final int TYPE_MASK = 0170000;
  private static final int REGULAR = 0100000;
  private static final int SYMLINK = 0120000;

  private RegularFiles() {}

  /**
   * Opens {@code file} for writing with {@code options} (CREATE, APPEND, ...), created with {@code mode} (e.g.
   * {@code rw-r-----}) when missing.
   *
   * @throws IOException when it is a symbolic link, not a regular file or owned by another user, or cannot be opened
   */
  public static FileChannel openWrite(Path file, String mode, OpenOption... options) throws IOException {
    requireRegularIfPresent(file);
    Set<OpenOption> all = new HashSet<>(Arrays.asList(options));
    all.add(StandardOpenOption.WRITE);
    all.add(LinkOption.NOFOLLOW_LINKS);
    FileChannel ch = FileChannel.open(file, all,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    try {
      requireRegularIfPresent(file);
      return ch;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The content of {@code file}, at most {@code limit} bytes; empty when it does not exist.
   *
   * @throws IOException when it is a symbolic link, not a regular file, owned by another user or larger than
   *     {@code limit} bytes, or cannot be read
   */
  public static Optional<byte[]> read(Path file, int limit) throws IOException {
    if (!requireRegularIfPresent(file)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(file, ImmutableSet.of(StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS))) {
      requireRegularIfPresent(file);
      ByteBuffer buf = ByteBuffer.allocate(limit + 1);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // fill up to the limit and one byte more
      }
      if (buf.position() > limit) {
        throw new FileSystemException(file.toString(), null, "larger than " + limit + " bytes");
      }
      return Optional.of(Arrays.copyOf(buf.array(), buf.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** True when {@code file} is a regular file of root or this user; false when it does not exist. */
  private static boolean requireRegularIfPresent(Path file) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    int type = (Integer) a.get("mode") & TYPE_MASK;
    int uid = (Integer) a.get("uid");
    if (type == SYMLINK) {
      throw new FileSystemException(file.toString(), null, "a symbolic link, not followed");
    } else if (type != REGULAR) {
      throw new FileSystemException(file.toString(), null, "not a regular file");
    } else if (uid != 0 && uid != StrictModes.currentUid()) {
      throw new FileSystemException(file.toString(), null, "owned by uid " + uid + ", not by root or uid "
          + StrictModes.currentUid());
    }
    return true;
  }
}
