package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.ledger.SealedRecord;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a record to its cache file's final identity. Everything that changes the file's ctime (the immutable flag,
 * giving the file back) happens first, so the identity sealed is the one the next check finds.
 */
final class Sealing {
  private static final Logger log = LoggerFactory.getLogger(Sealing.class);

  private final Ledger ledger;
  private final ImmutableFiles flags;

  Sealing(Ledger ledger, ImmutableFiles flags) {
    this.ledger = ledger;
    this.flags = flags;
  }

  ImmutableFiles flags() {
    return flags;
  }

  /** Makes {@code file} immutable (where enabled) and writes {@code record} with the file's identity after that. */
  LedgerRecord seal(Path file, LedgerRecord record) throws IOException, ImageTrustException {
    flags.set(file);
    LedgerRecord r = SealedRecord.toBuilder(record).identity(FileIdentity.of(file)).build();
    ledger.write(r);
    return r;
  }

  /**
   * Seals again a file whose content a full check has just found intact, but whose identity ({@code found}, taken
   * before hashing) or custody differed from the record: gives it back to this process's user with mode 0444 if
   * someone else held it, then {@link #seal seals} it. Says at WARN what was found.
   *
   * @throws ImageTrustException {@code UNSAFE_CACHE} when the file cannot be taken back
   */
  LedgerRecord reseal(LedgerRecord record, Path file, FileIdentity found) throws IOException, ImageTrustException {
    Custody held = Custody.of(file);
    if (!held.isOurs()) {
      flags.clear(file);
      Custody.restore(file);
      log.warn("image {}: cache file {} was found with {}; its content is intact, so it was given back to {} "
          + "(read-only)", record.imageId(), file, held, Custody.ours());
    }
    if (!record.identity().matches(found)) {
      log.warn("image {}: cache file {} changed since it was sealed ({}); its content matches the record, so it "
          + "was sealed again", record.imageId(), file, record.identity().changesTo(found));
    }
    return seal(file, record);
  }
}
