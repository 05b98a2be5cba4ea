package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.digest.ImageSink;
import io.imgtrust.core.digest.VerifiedCopy;
import io.imgtrust.core.metrics.WarnCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import step every import backend (flat, ploop, lvm, rbd) shares. {@link #begin} re-validates the cache entry
 * (its record may have changed since the request was made), so the backend sizes its target from
 * {@link #entry()}, the entry it will actually copy; {@link #into} copies it into the backend's sink while verifying
 * it against its record and, on a verification failure, quarantines the entry. The backend builds its target under
 * a temporary name and removes it if {@link #into} throws.
 */
public final class VerifiedImport {
  private static final Logger log = LoggerFactory.getLogger(VerifiedImport.class);

  private final BackendContext ctx;
  private final SpawnRequest request;
  private final CacheEntry entry;

  private VerifiedImport(BackendContext ctx, SpawnRequest request, CacheEntry entry) {
    this.ctx = ctx;
    this.request = request;
    this.entry = entry;
  }

  /**
   * Starts an import: takes the current, valid entry of the request's image.
   *
   * @throws ImageTrustException {@code NOT_CACHED} or {@code RECORD_INVALID}
   */
  public static VerifiedImport begin(BackendContext ctx, SpawnRequest request) throws ImageTrustException {
    return new VerifiedImport(ctx, request, ctx.cache().sealedEntry(request.entry().imageId()));
  }

  /** The entry this import copies. */
  public CacheEntry entry() {
    return entry;
  }

  /**
   * The size of the disk to make: the requested size, or the image's.
   *
   * @throws ImageTrustException {@code FLAVOR_TOO_SMALL}
   */
  public long targetSize() throws ImageTrustException {
    return request.targetSize(entry.record().size());
  }

  /**
   * Copies the entry into {@code sink}, verifying every chunk, reporting progress to the request's listener. In
   * {@code mode = warn} a mismatch does not stop the copy: the whole entry is copied, the failure is logged and
   * counted ({@link WarnCounter}), the entry stays in the cache, and the report returned says so
   * ({@link CopyReport#failure()}).
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH} or {@code SIZE_MISMATCH} in {@code mode = enforce} (entry
   *     quarantined), or {@code IO_ERROR}
   */
  public CopyReport into(ImageSink sink) throws ImageTrustException {
    VerifiedCopy copy = VerifiedCopy.of(entry.file(), entry.record().chunks(), entry.record().size())
        .withProgress(request.progress());
    boolean enforce = ctx.cache().policy().enforce();
    try {
      CopyReport r = (enforce ? copy : copy.reportingFailures()).into(sink);
      if (r.failure().isPresent()) {
        ImageTrustException x = r.failure().get();
        log.warn("instance {}: image {} failed verification during the import ({}: {}); mode = warn, so the disk "
            + "is made from the unverified copy and the entry stays in the cache", request.instance(),
            entry.imageId(), x.reason(), x.getMessage());
        ctx.cache().countWarned(WarnCounter.Check.IMPORT, x.reason());
      } else {
        log.info("instance {}: imported image {} ({} bytes verified, {} written, {} ms)", request.instance(),
            entry.imageId(), r.bytesVerified(), r.bytesWritten(), r.millis());
      }
      return r;
    } catch (ImageTrustException x) {
      if (x.reason() == Reason.DIGEST_MISMATCH || x.reason() == Reason.SIZE_MISMATCH) {
        ctx.cache().quarantine(entry, x);
      }
      throw x;
    }
  }

  /** The verification report for a {@link PreparedDisk}. */
  public ImmutableMap<String, Object> report(CopyReport r) {
    ImmutableMap.Builder<String, Object> b = ImmutableMap.<String, Object>builder().put("image_id", entry.imageId());
    if (r.failure().isPresent()) {
      b.put("verified", "FAILED: " + r.failure().get().reason() + " during the import; the disk was made from the "
          + "unverified copy because mode = warn").put("check", WarnedFailure.FAILED)
          .put("failure", WarnedFailure.describe(r.failure().get())).put("bytes_hashed", r.bytesVerified());
    } else {
      b.put("verified", "chunks against the sealed record, during the import").put("check", WarnedFailure.PASSED)
          .put("bytes_verified", r.bytesVerified());
    }
    return b.put("bytes_written", r.bytesWritten()).put("chunks", r.chunks())
        .put("content_digest", entry.record().contentDigest().toString()).put("import_ms", r.millis()).build();
  }
}
