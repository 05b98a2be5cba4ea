package io.imgtrust.core.spi;

import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.NoReplaceRename;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * The rename primitive a backend gives {@link DiskBuild}: gives a finished temporary its final name without ever
 * replacing what has that name, and makes it durable. Files use a hard link then unlink; directories use
 * {@code renameat2(RENAME_NOREPLACE)}; later backends supply theirs ({@code lvrename}, an RBD rename).
 */
@FunctionalInterface
public interface Publication {
  /**
   * Renames {@code tmp} to {@code target}.
   *
   * @throws FileAlreadyExistsException if {@code target} exists; {@code tmp} is then left for the caller to remove
   */
  void publish(Path tmp, Path target) throws IOException;

  /** A regular file: link to the final name, unlink the temporary, fsync the directory. */
  static Publication file() {
    return AtomicFiles::publishNoReplace;
  }

  /**
   * A directory: {@code renameat2(RENAME_NOREPLACE)}, which refuses even an empty directory made in the window, then
   * fsync the parent. A file system without it is refused ({@link NoReplaceRename.UnsupportedException}).
   */
  static Publication directory() {
    return (tmp, target) -> {
      NoReplaceRename.rename(tmp, target);
      AtomicFiles.fsyncDirectory(target.toAbsolutePath().getParent());
    };
  }
}
