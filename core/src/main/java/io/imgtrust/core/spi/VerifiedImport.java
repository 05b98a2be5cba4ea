package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.digest.ImageSink;
import io.imgtrust.core.digest.VerifiedCopy;
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
    return new VerifiedImport(ctx, request, ctx.cache().entry(request.entry().imageId()));
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
   * Copies the entry into {@code sink}, verifying every chunk, reporting progress to the request's listener.
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH} or {@code SIZE_MISMATCH} (entry quarantined), or
   *     {@code IO_ERROR}
   */
  public CopyReport into(ImageSink sink) throws ImageTrustException {
    try {
      CopyReport r = VerifiedCopy.of(entry.file(), entry.record().chunks(), entry.record().size())
          .withProgress(request.progress()).into(sink);
      log.info("instance {}: imported image {} ({} bytes verified, {} written, {} ms)", request.instance(),
          entry.imageId(), r.bytesVerified(), r.bytesWritten(), r.millis());
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
    return ImmutableMap.<String, Object>builder().put("image_id", entry.imageId())
        .put("verified", "chunks against the sealed record, during the import")
        .put("bytes_verified", r.bytesVerified()).put("bytes_written", r.bytesWritten())
        .put("chunks", r.chunks()).put("content_digest", entry.record().contentDigest().toString())
        .put("import_ms", r.millis()).build();
  }
}
