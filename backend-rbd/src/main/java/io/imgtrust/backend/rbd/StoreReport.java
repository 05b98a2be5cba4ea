package io.imgtrust.backend.rbd;

import com.google.common.io.BaseEncoding;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.verify.VerificationReport;
import java.util.LinkedHashMap;
import java.util.Map;

/** The verification report of a disk cloned from a base made from Glance's snapshot ({@link StoreBases}). */
final class StoreReport {
  private StoreReport() {}

  /** The report; {@code rechecked}: an existing base's snapshot was re-read and every chunk checked. */
  static Map<String, Object> of(ImageMetadata meta, VerifiedBases.Base<VerificationReport> base, String baseSpec,
      boolean rechecked) {
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("image_id", meta.id());
    rep.put("source", "glance-rbd");
    if (base.built.isPresent()) {
      VerificationReport r = base.built.get();
      rep.put("verified", "Glance's snapshot, read once through librbd and checked against the image's metadata ("
          + String.join(", ", r.facts().keySet()) + ") while the verified base was written");
      rep.put("check", "passed");
      rep.put("bytes_hashed", r.bytesHashed());
      rep.put("content_digest", r.digests().chunkListDigest().toString());
    } else {
      takenOnSeal(rep, base.sealedBy, rechecked, " against the sealed chunk digests", meta.size());
    }
    meta.expectedDigest().ifPresent(d -> rep.put("digest", BaseEncoding.base16().lowerCase().encode(d.value())));
    rep.put("base", baseSpec);
    return rep;
  }

  /**
   * The report lines of a disk cloned from an existing base taken on its seal (sealed by {@code sealedBy}), its
   * snapshot {@code rechecked} (re-read, every chunk checked {@code against} what) or not; {@code size} is the
   * image's size, all of it hashed when re-read.
   */
  static void takenOnSeal(Map<String, Object> rep, String sealedBy, boolean rechecked, String against, long size) {
    rep.put("verified", "the verified base's seal under the cluster key (sealed by " + sealedBy
        + (rechecked ? "; its snapshot re-read and every chunk checked" + against + ")" : "); not re-read"));
    rep.put("check", rechecked ? "passed" : "skipped");
    rep.put("bytes_hashed", rechecked ? size : 0L);
  }
}
