package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.digest.ChunkMismatch;
import io.imgtrust.core.digest.ImageDigests;
import java.nio.file.Path;
import java.security.MessageDigest;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.Ledger;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rechecks one entry against its record, chunk by chunk on all cores. Hashing starts as soon as the entry lock is
 * held and runs while the record is read and its seal checked; it is cancelled if the record turns out invalid. One
 * pass per entry at a time: threads of this process share a running pass ({@link SingleFlight}); another process
 * waits on the entry lock and, when the record says the entry was verified after it started waiting, reuses that
 * result instead of hashing again.
 */
final class EntryCheck {
  private static final Logger log = LoggerFactory.getLogger(EntryCheck.class);

  private final CacheLayout layout;
  private final Ledger ledger;
  private final EntryLocks locks;
  private final Quarantine quarantine;
  private final SingleFlight<CheckResult> flights = new SingleFlight<>();

  private final io.imgtrust.core.policy.Policy policy;
  private final io.imgtrust.core.verify.ImageVerifier.TrustSource trust;

  EntryCheck(CacheLayout layout, Ledger ledger, EntryLocks locks, Quarantine quarantine,
      io.imgtrust.core.policy.Policy policy, io.imgtrust.core.verify.ImageVerifier.TrustSource trust) {
    this.policy = policy;
    this.trust = trust;
    this.layout = layout;
    this.ledger = ledger;
    this.locks = locks;
    this.quarantine = quarantine;
  }

  CheckResult check(String imageId, boolean enforce) throws ImageTrustException {
    String name = CacheLayout.nameOf(imageId);
    Instant started = Instant.now();
    SingleFlight.Outcome<CheckResult> o = flights.run(name, () -> checkLocked(imageId, name, started, enforce));
    return o.shared ? o.value.asShared() : o.value;
  }

  private CheckResult checkLocked(String imageId, String name, Instant started, boolean enforce)
      throws ImageTrustException {
    try (EntryLocks.Held lock = locks.acquire(name)) {
      try {
        return checkHeld(imageId, name, started);
      } catch (ImageTrustException e) {
        // Still under the entry lock: a concurrent refill cannot be quarantined by mistake.
        return refused(imageId, name, e, enforce);
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read cache file " + layout.file(name) + ": "
          + IoErrors.describe(e), e);
    }
  }

  private CheckResult checkHeld(String imageId, String name, Instant started)
      throws ImageTrustException, IOException {
    Path file = layout.file(name);
    Hashing pass = Hashing.start(file);
    try {
      LedgerRecord record = Entries.valid(layout, ledger, imageId, name).record();
      if (!record.verifiedAt().isBefore(started)) {
        log.info("image {}: verified by another process while waiting; not hashing again", imageId);
        return new CheckResult(imageId, 0, true, null);
      }
      long t0 = System.nanoTime();
      ImageDigests d = pass.result();
      if (!FileIdentity.of(file).equals(record.identity())) {
        throw ImageTrustException.of(Reason.RECORD_INVALID, "image " + imageId + ": " + file
            + " changed while it was checked");
      }
      compare(file, d, record);
      if (policy.recheckSignature() && SignatureRecheck.applies(record)) {
        SignatureRecheck.verify(file, record, trust);
        log.info("image {}: signature verified again ({})", imageId, record.fill().get("signer_subject"));
      }
      ledger.write(record.toBuilder().verifiedAt(Instant.now()).build());
      log.info("image {}: rechecked {} bytes in {} chunks ({} ms after the record was read)", imageId,
          d.bytesHashed(), record.chunks().size(), (System.nanoTime() - t0) / 1_000_000);
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

  private CheckResult refused(String imageId, String name, ImageTrustException e, boolean enforce)
      throws ImageTrustException {
    if (e.reason().kind() != Reason.Kind.REFUSED || e.reason() == Reason.NOT_CACHED) {
      throw e;
    }
    if (!enforce) {
      log.warn("image {}: check failed ({}: {}); mode = warn, so the entry stays in use", imageId, e.reason(),
          e.getMessage());
      return new CheckResult(imageId, hashedBefore(e, layout.file(name)), false, e);
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
