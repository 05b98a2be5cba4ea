package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.digest.ImageSink;
import io.imgtrust.core.digest.VerifiedCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import step every import backend (flat, ploop, lvm, rbd) shares: re-validate the cache entry, copy it into the
 * backend's sink while verifying it against its record, and on a verification failure quarantine the entry. The
 * backend builds its target under a temporary name and removes it if this throws.
 */
public final class VerifiedImport {
  private static final Logger log = LoggerFactory.getLogger(VerifiedImport.class);

  private VerifiedImport() {}

  /**
   * Imports {@code request.entry()} into {@code sink}.
   *
   * @throws ImageTrustException {@code RECORD_INVALID}, {@code NOT_CACHED}, {@code DIGEST_MISMATCH} (entry
   *     quarantined), {@code SIZE_MISMATCH} (entry quarantined), or {@code IO_ERROR}
   */
  public static CopyReport run(BackendContext ctx, SpawnRequest request, ImageSink sink, CopyProgress progress)
      throws ImageTrustException {
    CacheEntry e = ctx.cache().entry(request.entry().imageId());
    try {
      CopyReport r = VerifiedCopy.of(e.file(), e.record().chunks(), e.record().size()).withProgress(progress)
          .into(sink);
      log.info("instance {}: imported image {} ({} bytes verified, {} written, {} ms)", request.instance(),
          e.imageId(), r.bytesVerified(), r.bytesWritten(), r.millis());
      return r;
    } catch (ImageTrustException x) {
      if (x.reason() == Reason.DIGEST_MISMATCH || x.reason() == Reason.SIZE_MISMATCH) {
        ctx.cache().quarantine(e, x);
      }
      throw x;
    }
  }

  /** The verification report for a {@link PreparedDisk}. */
  public static ImmutableMap<String, Object> report(CacheEntry e, CopyReport r) {
    return ImmutableMap.<String, Object>builder().put("image_id", e.imageId())
        .put("verified", "chunks against the sealed record, during the import")
        .put("bytes_verified", r.bytesVerified()).put("bytes_written", r.bytesWritten())
        .put("chunks", r.chunks()).put("content_digest", e.record().contentDigest().toString())
        .put("import_ms", r.millis()).build();
  }
}
