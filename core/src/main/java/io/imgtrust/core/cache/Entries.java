package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.ledger.SealedRecord;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Rules shared by everything that hands out or retires an entry. The record binds the content; the file's identity
 * and custody only decide whether the content may be trusted without hashing it ({@link #settled}).
 */
final class Entries {
  private Entries() {}

  /**
   * The entry of {@code imageId} if its cache file exists as a regular file, its record's seal verifies, the record
   * names this image, and the entry is not quarantined. The file may have changed since it was sealed: see
   * {@link #settled}.
   *
   * @throws ImageTrustException {@code NOT_CACHED} or {@code RECORD_INVALID}
   */
  static CacheEntry sealed(CacheLayout layout, Ledger ledger, String imageId, String name)
      throws ImageTrustException {
    Path file = layout.file(name);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw ImageTrustException.of(Reason.NOT_CACHED, "image " + imageId + " is not in the cache (" + file + ")");
    }
    try {
      FileIdentity.of(file);
    } catch (IOException e) {
      throw invalid(imageId, file + ": " + e.getMessage());
    }
    Optional<LedgerRecord> r = ledger.read(name);
    if (r.isEmpty()) {
      throw invalid(imageId, "no record with a valid seal for " + file);
    }
    LedgerRecord rec = r.get();
    if (!rec.imageId().equals(imageId)) {
      throw invalid(imageId, "the record of " + file + " is for image " + rec.imageId());
    }
    if (rec.state() != LedgerRecord.State.VERIFIED) {
      throw invalid(imageId, "the entry is " + rec.state() + rec.stateReason().map(s -> " (" + s + ")").orElse(""));
    }
    return new CacheEntry(imageId, file, rec);
  }

  /**
   * Whether {@code e}'s file is still the very file its record sealed (same identity, ctime included) and in our
   * custody (owner, mode 0444): only then may a check be skipped.
   */
  static boolean settled(CacheEntry e) throws ImageTrustException {
    try {
      return e.record().identity().matches(FileIdentity.of(e.file())) && Custody.of(e.file()).isOurs();
    } catch (java.nio.file.NoSuchFileException x) {
      return false;
    } catch (IOException x) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read " + e.file() + ": " + IoErrors.describe(x), x);
    }
  }

  /** Quarantines the file and marks the record (if there is a sealed one) as quarantined. */
  static void quarantine(CacheLayout layout, Ledger ledger, Quarantine q, String imageId, String name,
      ImageTrustException why) throws ImageTrustException {
    q.put(name, imageId, why);
    Optional<LedgerRecord> r = ledger.read(name);
    if (r.isPresent()) {
      ledger.write(SealedRecord.toBuilder(r.get()).state(LedgerRecord.State.QUARANTINED, why.reason().name()).build());
    }
  }

  private static ImageTrustException invalid(String imageId, String why) {
    return ImageTrustException.of(Reason.RECORD_INVALID, "image " + imageId + ": " + why);
  }
}
