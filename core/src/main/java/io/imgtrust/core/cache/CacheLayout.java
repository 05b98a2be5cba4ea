package io.imgtrust.core.cache;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where things live in the cache directory: cache files named {@code sha1hex(image id)} (Nova's naming), records in
 * {@code .imgtrust/}, lock files in {@code .imgtrust/locks/}, quarantined files in {@code .quarantine/}.
 */
final class CacheLayout {
  private final Path dir;

  CacheLayout(Path dir) {
    this.dir = dir;
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
