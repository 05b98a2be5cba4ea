package io.imgtrust.core.cache;

import io.imgtrust.core.ledger.LedgerRecord;
import java.nio.file.Path;

/**
 * A cache file and its sealed record, as the cache handed it out. Immutable. Holding one guarantees that, when it was
 * made, the record's seal verified, the record named this very file (same identity; a file that had changed was hashed
 * in full and sealed again first, or in {@code mode = warn} logged as failed) and the entry was not quarantined. It does not guarantee the bytes are still intact: consumers verify against {@link #record()}.
 */
public final class CacheEntry {
  private final String imageId;
  private final Path file;
  private final LedgerRecord record;

  CacheEntry(String imageId, Path file, LedgerRecord record) {
    this.imageId = imageId;
    this.file = file;
    this.record = record;
  }

  public String imageId() {
    return imageId;
  }

  /** The cache file (read-only, never opened for writing). */
  public Path file() {
    return file;
  }

  public LedgerRecord record() {
    return record;
  }

  /** The cache file's name: sha1 hex of the image id. */
  public String name() {
    return record.cacheFile();
  }
}
