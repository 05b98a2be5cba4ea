package io.imgtrust.core.cache;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.ChunkMismatch;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.ledger.SealedRecord;
import io.imgtrust.core.internal.locks.EntryLocks;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import io.imgtrust.core.policy.Policy;
import io.imgtrust.core.verify.ImageVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rechecks one entry against its record, chunk by chunk on all cores, under the entry lock. The record binds the
 * content. A file still the one sealed (identity with ctime, owner, mode 0444) is hashed where it lies; one that
 * changed since it was sealed (another inode, another ctime, another owner or mode), or while it was hashed, is never
 * adopted again: a {@link Recopy verified copy} of it in a new inode {@link Sealing#replace replaces} it. A file
 * whose content does not match is refused with {@code DIGEST_MISMATCH} naming the chunk and quarantined as for bit
 * rot. One pass per entry at a time: threads of this process share a running pass ({@link SingleFlight}); another
 * process waits on the entry lock and, when the record says the entry was verified after it started waiting and the
 * file is unchanged, reuses that result.
 */
final class EntryCheck {
  private static final Logger log = LoggerFactory.getLogger(EntryCheck.class);

  private final CacheLayout layout;
  private final Ledger ledger;
  private final EntryLocks locks;
  private final Quarantine quarantine;
  private final Sealing sealing;
  private final SingleFlight<CheckResult> flights = new SingleFlight<>();
  private final Policy policy;
  private final ImageVerifier.TrustSource trust;
  /** Tests only: runs after a pass over the file where it lies, before its identity is read again. */
  volatile java.util.function.Consumer<Path> afterPass = f -> { };

  EntryCheck(CacheLayout layout, Ledger ledger, EntryLocks locks, Quarantine quarantine, Sealing sealing,
      Policy policy, ImageVerifier.TrustSource trust) {
    this.layout = layout;
    this.ledger = ledger;
    this.locks = locks;
    this.quarantine = quarantine;
    this.sealing = sealing;
    this.policy = policy;
    this.trust = trust;
  }

  CheckResult check(String imageId, boolean enforce) throws ImageTrustException {
    String name = CacheLayout.nameOf(imageId);
    Instant started = Instant.now();
    SingleFlight.Outcome<CheckResult> o = flights.run(name, () -> {
      try (EntryLocks.Held lock = locks.acquire(name)) {
        return checkHeld(imageId, name, started, enforce);
      }
    });
    return o.shared ? o.value.asShared() : o.value;
  }

  /** Like {@link #check}, for a caller that holds the entry lock. */
  CheckResult checkHeld(String imageId, String name, Instant started, boolean enforce) throws ImageTrustException {
    try {
      return hash(imageId, name, started);
    } catch (ImageTrustException e) {
      // Still under the entry lock: a concurrent refill cannot be quarantined by mistake.
      return refused(imageId, name, e, enforce);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read cache file " + layout.file(name) + ": "
          + IoErrors.describe(e), e);
    }
  }

  /**
   * Checks cache file {@code name} whatever its record says: by its image id when it has a valid record, else (a
   * planted file, a file whose record was deleted or fails its seal) refused as {@code RECORD_INVALID}.
   */
  CheckResult checkFile(String name, boolean enforce) throws ImageTrustException {
    java.util.Optional<String> id = recordedId(name);
    if (id.isPresent()) {
      return check(id.get(), enforce);
    }
    try (EntryLocks.Held lock = locks.acquire(name)) {
      id = recordedId(name);
      if (id.isEmpty()) {
        Path file = layout.file(name);
        if (!java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw ImageTrustException.of(Reason.NOT_CACHED, file + " is not in the cache");
        }
        return refused(null, name, ImageTrustException.of(Reason.RECORD_INVALID, "cache file " + file + " has no "
            + "record with a valid seal (planted, or its record was removed or altered)"), enforce);
      }
    }
    return check(id.get(), enforce);
  }

  private java.util.Optional<String> recordedId(String name) {
    return ledger.read(name).filter(r -> r.state() == LedgerRecord.State.VERIFIED)
        .filter(r -> CacheLayout.nameOf(r.imageId()).equals(name)).map(LedgerRecord::imageId);
  }

  private CheckResult hash(String imageId, String name, Instant started) throws ImageTrustException, IOException {
    CacheEntry entry = Entries.sealed(layout, ledger, imageId, name);
    LedgerRecord record = entry.record();
    Path file = entry.file();
    boolean settled = Entries.settled(entry);
    if (settled && !record.verifiedAt().isBefore(started)) {
      log.info("image {}: verified by another process while waiting; not hashing again", imageId);
      return new CheckResult(imageId, 0, true, null);
    }
    long t0 = System.nanoTime();
    FileIdentity found = FileIdentity.of(file);
    if (settled && hashedInPlace(imageId, file, found, record)) {
      recheckSignature(imageId, file, record);
      ledger.write(verifiedNow(record));
    } else {
      takeBack(imageId, file, found, record);
    }
    log.info("image {}: rechecked {} bytes in {} chunks ({} ms)", imageId, record.size(), record.chunks().size(),
        (System.nanoTime() - t0) / 1_000_000);
    return new CheckResult(imageId, record.size(), false, null);
  }

  /**
   * Hashes a settled file where it lies and compares it with the record; false, judging nothing, when the file
   * changed during the pass (e.g. a hard link was made): then it is no longer the file sealed, and is taken back.
   */
  private boolean hashedInPlace(String imageId, Path file, FileIdentity found, LedgerRecord record)
      throws ImageTrustException, IOException {
    Hashing pass = Hashing.start(file);
    try {
      ImageDigests d = pass.result();
      afterPass.accept(file);
      FileIdentity now = FileIdentity.of(file);
      if (!now.equals(found)) {
        log.info("image {}: {} changed while it was hashed ({}); checking a copy of it instead", imageId, file,
            found.changesTo(now));
        return false;
      }
      compare(file, d, record);
      return true;
    } finally {
      pass.cancel();
    }
  }

  /** Replaces a file that changed since it was sealed with a verified copy ({@link Recopy}), or refuses it. */
  private void takeBack(String imageId, Path file, FileIdentity found, LedgerRecord record)
      throws ImageTrustException, IOException {
    Path copy = Recopy.of(file, found, record);
    try {
      recheckSignature(imageId, copy, record);
      sealing.replace(verifiedNow(record), copy, file, found);
    } finally {
      Recopy.deleteQuietly(copy);
    }
  }

  private static LedgerRecord verifiedNow(LedgerRecord r) {
    return SealedRecord.toBuilder(r).verifiedAt(Instant.now()).build();
  }

  private void recheckSignature(String imageId, Path file, LedgerRecord record) throws ImageTrustException {
    if (policy.recheckSignature() && SignatureRecheck.applies(record)) {
      SignatureRecheck.verify(file, record, trust);
      log.info("image {}: signature verified again ({})", imageId, record.fill().get("signer_subject"));
    }
  }

  /** Compares the chunk leaves of a pass with the record; names the first chunk that differs. */
  static void compare(Path file, ImageDigests d, LedgerRecord record) throws ImageTrustException {
    int n = Math.min(d.chunks().size(), record.chunks().size());
    for (int i = 0; i < n; i++) {
      if (!MessageDigest.isEqual(d.chunks().get(i).asBytes(), record.chunks().get(i).asBytes())) {
        throw ChunkMismatch.at(file, i);
      }
    }
    if (d.chunks().size() != record.chunks().size() || d.bytesHashed() != record.size()) {
      throw ImageTrustException.of(Reason.SIZE_MISMATCH, file + " has " + d.bytesHashed() + " bytes, the record "
          + record.size(), ImmutableMap.of("expected", record.size(), "actual", d.bytesHashed()));
    }
  }

  /** A refusal: quarantined and thrown in enforce, logged and returned in warn. {@code imageId} null: unknown. */
  private CheckResult refused(String imageId, String name, ImageTrustException e, boolean enforce)
      throws ImageTrustException {
    if (e.reason().kind() != Reason.Kind.REFUSED || e.reason() == Reason.NOT_CACHED) {
      throw e;
    }
    if (!enforce) {
      log.warn("{}: check failed ({}: {}); mode = warn, so the entry stays in use",
          imageId == null ? "cache file " + name : "image " + imageId, e.reason(), e.getMessage());
      return new CheckResult(imageId == null ? name : imageId, hashedBefore(e, layout.file(name)), false, e);
    }
    Entries.quarantine(layout, ledger, quarantine, imageId, name, e);
    throw e;
  }

  /** A digest or size refusal comes after the whole file was hashed; a record refusal stops hashing at once. */
  private static long hashedBefore(ImageTrustException e, Path file) {
    if (e.reason() != Reason.DIGEST_MISMATCH && e.reason() != Reason.SIZE_MISMATCH) {
      return 0;
    }
    try {
      return java.nio.file.Files.size(file);
    } catch (IOException x) {
      return 0;
    }
  }
}
