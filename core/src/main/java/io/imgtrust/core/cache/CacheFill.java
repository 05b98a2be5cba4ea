package io.imgtrust.core.cache;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.format.FormatGate;
import io.imgtrust.core.format.ImageFormat;
import io.imgtrust.core.format.InspectedImage;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.ledger.SealedRecord;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.io.Temporaries;
import io.imgtrust.core.ledger.LedgerRecord;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.verify.ImageVerifier;
import io.imgtrust.core.verify.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills one cache entry from a downloaded file: copy into a temporary name while verifying (one read), admit the
 * real format ({@link FormatGate}: allowed formats, inspector, maximum virtual size, qemu's second opinion), convert to raw if the config forces it (hashing the output), seal the record, then rename into place.
 * The record is written before the rename, so a crash at any point leaves either no cache file or a cache file with
 * its record; temporary files are removed by the next fill of the same entry.
 */
final class CacheFill {
  private static final Logger log = LoggerFactory.getLogger(CacheFill.class);

  private static final String PART = "part";
  private static final String CONVERTED = "converted";
  /** The longest a conversion may take (a large image on a slow disk); then it is killed. */
  private static final Duration CONVERT_TIMEOUT = Duration.ofHours(6);

  private final CacheLayout layout;
  private final Ledger ledger;
  private final ImageVerifier verifier;
  private final FormatGate gate;
  private final boolean forceRaw;
  private final CommandRunner runner;

  CacheFill(CacheLayout layout, Ledger ledger, ImageVerifier verifier, FormatGate gate, boolean forceRaw,
      CommandRunner runner) {
    this.runner = runner;
    this.layout = layout;
    this.ledger = ledger;
    this.verifier = verifier;
    this.gate = gate;
    this.forceRaw = forceRaw;
  }

  /** Fills entry {@code name}; the caller holds the entry lock and has made room (no cache file exists). */
  CacheEntry fill(String name, Path source, ImageMetadata meta, io.imgtrust.core.digest.CopyProgress progress)
      throws ImageTrustException {
    return fill(name, meta, part -> verifier.verifyCopy(source, meta, DigestPlan.withChunks(Set.of()), part,
        progress));
  }

  /** Fills entry {@code name} from {@code source} (a download), opened once; otherwise as the file variant. */
  CacheEntry fill(String name, ImageSource source, ImageMetadata meta,
      io.imgtrust.core.digest.CopyProgress progress) throws ImageTrustException {
    return fill(name, meta, part -> verifier.verifyCopy(source, meta, DigestPlan.withChunks(Set.of()), part,
        progress));
  }

  /** The verified copy of a fill's source into its temporary file. */
  @FunctionalInterface
  private interface Copy {
    VerificationReport into(Path part) throws ImageTrustException;
  }

  private CacheEntry fill(String name, ImageMetadata meta, Copy copy) throws ImageTrustException {
    Path target = layout.file(name);
    Path part = AtomicFiles.tempSibling(target, PART);
    Path converted = AtomicFiles.tempSibling(target, CONVERTED);
    try {
      VerificationReport report = copy.into(part);
      InspectedImage inspected = gate.admit(part, meta.diskFormat());
      Path result = part;
      ImageDigests digests = report.digests();
      LedgerRecord.Conversion conversion = null;
      if (inspected.format() != ImageFormat.RAW && inspected.format() != ImageFormat.ISO && forceRaw) {
        // The format is given (never probed), and the inspector has accepted the image.
        runner.runChecked(List.of("qemu-img", "convert", "-q", "-f", inspected.format().qemuName(), "-O", "raw",
            "-t", "none", "-T", "none", part.toString(), converted.toString()), CONVERT_TIMEOUT);
        digests = ImageDigester.create().digest(converted, DigestPlan.withChunks(Set.of()));
        conversion = new LedgerRecord.Conversion(meta.diskFormat(), report.size(),
            report.digests().chunkListDigest());
        result = converted;
        log.info("image {}: converted {} to raw ({} bytes)", meta.id(), meta.diskFormat(), digests.bytesHashed());
      }
      Files.setPosixFilePermissions(result, PosixFilePermissions.fromString("r--r--r--"));
      Instant now = Instant.now();
      LedgerRecord record = SealedRecord.builder().imageId(meta.id()).cacheFile(name).diskFormat(meta.diskFormat())
          .chunks(digests.chunks()).identity(FileIdentity.of(result)).fill(FillFacts.of(report))
          .conversion(conversion).filledAt(now).verifiedAt(now).build();
      ledger.write(record);
      Files.move(result, target, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.fsyncDirectory(layout.dir());
      log.info("image {}: cached as {} ({} bytes, {} chunks)", meta.id(), target, record.size(),
          record.chunks().size());
      return new CacheEntry(meta.id(), target, record);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot fill " + target + ": " + IoErrors.describe(e), e);
    } finally {
      deleteQuietly(part);
      deleteQuietly(converted);
    }
  }

  /** Removes temporary files a killed fill of {@code name} left behind; the caller holds the entry lock. */
  void removeLeftovers(String name) throws ImageTrustException {
    try {
      Temporaries.removeStale(layout.file(name), PART);
      Temporaries.removeStale(layout.file(name), CONVERTED);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot clean " + layout.dir() + ": " + IoErrors.describe(e),
          e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", p, IoErrors.describe(e));
    }
  }

  /** The flat facts of what a fill verified, for the record. */
  static final class FillFacts {
    private FillFacts() {}

    static ImmutableMap<String, String> of(VerificationReport r) {
      return r.facts();
    }
  }
}
