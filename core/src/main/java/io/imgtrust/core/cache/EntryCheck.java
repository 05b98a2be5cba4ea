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
 * content: a file that changed since it was sealed (another inode, another ctime, another owner or mode) is hashed
 * like any other; if its content matches, it is {@link Sealing#reseal sealed again}, else refused with
 * {@code DIGEST_MISMATCH} naming the chunk and quarantined as for bit rot. One pass per entry at a time: threads of
 * this process share a running pass ({@link SingleFlight}); another process waits on the entry lock and, when the
 * record says the entry was verified after it started waiting and the file is unchanged, reuses that result.
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
    FileIdentity found = FileIdentity.of(file);
    Hashing pass = Hashing.start(file);
    try {
      long t0 = System.nanoTime();
      ImageDigests d = pass.result();
      if (!FileIdentity.of(file).equals(found)) {
        throw ImageTrustException.of(Reason.RECORD_INVALID, "image " + imageId + ": " + file
            + " changed while it was checked");
      }
      compare(file, d, record);
      if (policy.recheckSignature() && SignatureRecheck.applies(record)) {
        SignatureRecheck.verify(file, record, trust);
        log.info("image {}: signature verified again ({})", imageId, record.fill().get("signer_subject"));
      }
      LedgerRecord verified = SealedRecord.toBuilder(record).verifiedAt(Instant.now()).build();
      if (settled) {
        ledger.write(verified);
      } else {
        sealing.reseal(verified, file, found);
      }
      log.info("image {}: rechecked {} bytes in {} chunks ({} ms)", imageId, d.bytesHashed(),
          record.chunks().size(), (System.nanoTime() - t0) / 1_000_000);
      return new CheckResult(imageId, d.bytesHashed(), false, null);
    } finally {
      pass.cancel();
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
