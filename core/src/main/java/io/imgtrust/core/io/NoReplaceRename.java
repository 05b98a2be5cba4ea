package io.imgtrust.core.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * A rename that never replaces its target, for files and directories alike: glibc's
 * {@code renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE)}, the only such rename Linux has (the JDK's
 * {@code Files.move} replaces an empty directory). Called through JNA with an argument list of plain values.
 */
public final class NoReplaceRename {
  private static final int AT_FDCWD = -100;
  private static final int RENAME_NOREPLACE = 1;
  private static final int EEXIST = 17;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;
  private static final int ENOTEMPTY = 39;

  private NoReplaceRename() {}

  /** The thrown when the file system (or kernel) cannot rename without replacing; never falls back. */
  public static final class UnsupportedException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsupportedException(String message) {
      super(message);
    }
  }

  /**
   * Renames {@code from} to {@code to} if nothing is named {@code to}.
   *
   * @throws FileAlreadyExistsException if {@code to} exists (a file, or a directory, empty or not)
   * @throws UnsupportedException if the file system does not support {@code RENAME_NOREPLACE} (EINVAL, ENOSYS)
   * @throws IOException on any other error, with its errno
   */
  public static void rename(Path from, Path to) throws IOException {
    try {
      C.INSTANCE.renameat2(AT_FDCWD, from.toString(), AT_FDCWD, to.toString(), RENAME_NOREPLACE);
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == EEXIST || errno == ENOTEMPTY) {
        throw new FileAlreadyExistsException(to.toString());
      }
      if (errno == EINVAL || errno == ENOSYS) {
        throw new UnsupportedException("the file system of " + to + " cannot rename without replacing"
            + " (renameat2 RENAME_NOREPLACE: errno " + errno + "); refusing a rename that could replace");
      }
      throw new IOException("renameat2 " + from + " -> " + to + ": errno " + errno, e);
    }
  }

  /** glibc. */
  private interface C extends Library {
    C INSTANCE = Native.load("c", C.class);

    int renameat2(int oldDirFd, String oldPath, int newDirFd, String newPath, int flags) throws LastErrorException;
  }
}
