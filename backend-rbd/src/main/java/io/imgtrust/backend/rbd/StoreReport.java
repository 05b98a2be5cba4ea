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
      rep.put("verified", "the verified base's seal under the cluster key (sealed by " + base.sealedBy
          + (rechecked ? "; its snapshot re-read and every chunk checked against the sealed chunk digests)"
              : "); not re-read"));
      rep.put("check", rechecked ? "passed" : "skipped");
      rep.put("bytes_hashed", rechecked ? meta.size() : 0L);
    }
    meta.expectedDigest().ifPresent(d -> rep.put("digest", BaseEncoding.base16().lowerCase().encode(d.value())));
    rep.put("base", baseSpec);
    return rep;
  }
}
