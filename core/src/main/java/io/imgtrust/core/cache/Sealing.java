package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.ledger.SealedRecord;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.io.StrictModes;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a record to its cache file's final identity. Everything that changes the file's ctime (the immutable flag,
 * the rename into place) happens first, so the identity sealed is the one the next check finds.
 */
final class Sealing {
  private static final Logger log = LoggerFactory.getLogger(Sealing.class);

  private final Ledger ledger;
  private final ImmutableFiles flags;

  Sealing(Ledger ledger, ImmutableFiles flags) {
    this.ledger = ledger;
    this.flags = flags;
  }

  /** Makes {@code file} immutable (where enabled) and writes {@code record} with the file's identity after that. */
  LedgerRecord seal(Path file, LedgerRecord record) throws IOException, ImageTrustException {
    flags.set(file);
    LedgerRecord r = SealedRecord.toBuilder(record).identity(FileIdentity.of(file)).build();
    ledger.write(r);
    return r;
  }

  /**
   * Replaces cache file {@code file}, which changed since it was sealed ({@code found}: its identity when the check
   * began), with {@code copy}, its {@link Recopy verified copy}, and {@link #seal seals} the copy. The old file is
   * never taken back: it is detached, and whoever still holds it (a running guest) keeps it until they close it. Says
   * at WARN what was found.
   *
   * @throws ImageTrustException {@code UNSAFE_CACHE} when the file cannot be replaced (e.g. immutable, and this
   *     process cannot clear the flag)
   */
  LedgerRecord replace(LedgerRecord record, Path copy, Path file, FileIdentity found)
      throws IOException, ImageTrustException {
    Custody held = Custody.of(file);
    flags.clear(file); // an immutable file cannot be replaced
    try {
      Files.move(copy, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.UNSAFE_CACHE, "cache file " + file + " changed since it was sealed and "
          + "cannot be replaced by its verified copy (" + IoErrors.describe(e) + "); fix: chattr -i it as root, or "
          + "remove it", e);
    }
    AtomicFiles.fsyncDirectory(file.toAbsolutePath().getParent());
    log.warn("image {}: cache file {} was found with {}{}; its content matches the record, so it was replaced by a "
        + "verified copy owned by uid {}; processes that opened the old file (a running guest) keep it until they "
        + "close it", record.imageId(), file, held, changes(record, found), StrictModes.currentUid());
    return seal(file, record);
  }

  private static String changes(LedgerRecord record, FileIdentity found) {
    return record.identity().matches(found) ? "" : ", changed since it was sealed (" + record.identity()
        .changesTo(found) + ")";
  }
}
