package io.imgtrust.core.cache;

import com.google.common.hash.Hashing;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.StrictModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things live in the cache directory: cache files named {@code sha1hex(image id)} (Nova's naming), records in
 * {@code .imgtrust/}, lock files in {@code .imgtrust/locks/} (private to imgtrust's user), quarantined files in
 * {@code .quarantine/}.
 */
final class CacheLayout {
  private final Path dir;

  CacheLayout(Path dir) {
    this.dir = dir;
  }

  /**
   * The layout of {@code dir}, creating what is missing ({@code _base} and {@code .imgtrust} 0755: QEMU's user must
   * read cache files; the lock directory 0700) and refusing it under {@link StrictModes}.
   *
   * @throws ImageTrustException {@code UNSAFE_CACHE} naming the path and the fix; {@code IO_ERROR}
   */
  static CacheLayout open(Path dir) throws ImageTrustException {
    CacheLayout layout = new CacheLayout(dir);
    Path parent = dir.toAbsolutePath().getParent();
    create(parent, null);
    create(dir, "rwxr-xr-x");
    StrictModes.checkDirectory("cache directory", dir);
    create(layout.records(), "rwxr-xr-x");
    StrictModes.checkDirectory("cache record directory", layout.records());
    create(layout.locks(), "rwx------");
    StrictModes.checkPrivateDirectory("cache lock directory", layout.locks());
    return layout;
  }

  /** Creates {@code d} with {@code mode}, or with its parents at the umask's mode when {@code mode} is null. */
  private static void create(Path d, String mode) throws ImageTrustException {
    try {
      if (mode == null) {
        Files.createDirectories(d);
      } else {
        StrictModes.createDirectory(d, mode);
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot create " + d + ": " + IoErrors.describe(e), e);
    }
  }

  Path dir() {
    return dir;
  }

  /** The cache file name of an image: lower-case hex SHA-1 of its id. */
  static String nameOf(String imageId) {
    return Hashing.sha1().hashString(imageId, StandardCharsets.UTF_8).toString();
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  Path records() {
    return dir.resolve(".imgtrust");
  }

  Path locks() {
    return records().resolve("locks");
  }

  Path quarantine() {
    return dir.resolve(".quarantine");
  }
}
