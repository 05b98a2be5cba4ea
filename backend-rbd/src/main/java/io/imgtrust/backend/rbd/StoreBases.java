package io.imgtrust.backend.rbd;

import com.google.common.hash.Hashing;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.verify.ImageVerifier;
import io.imgtrust.core.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Clone mode's verified bases made straight from Glance's snapshot when Glance keeps the image in this cluster (no
 * cache file): the base {@code imgtrust-base_<sha1(image id)>} (the name the cache path gives it too) is a COPY of
 * the snapshot's bytes, written while they are verified against Glance's metadata (size, digest, signature, trust) in
 * one read, then snapshotted, protected and sealed with the cluster key ({@link VerifiedBases}, {@link BaseBuild}); the
 * seal binds the chunk digests computed during that read (so {@code recheck = always} re-reads such a base too) and
 * names the Glance snapshot it was read from ({@code source}, {@code source_snap_id}). Being a copy, nothing done
 * later to Glance's image or to a new snapshot Glance points at reaches a sealed base. A snapshot whose bytes do not verify is refused and the temporary
 * base removed: nothing is sealed or cloned. An existing base is taken on its seal (no bytes read) when it is of the
 * same image and size and was verified against the digest and signature Glance's metadata has now.
 */
final class StoreBases {
  private final VerifiedBases bases;
  private final ImageVerifier verifier;

  StoreBases(VerifiedBases bases, ImageVerifier verifier) {
    this.bases = bases;
    this.verifier = verifier;
  }

  static String baseName(String imageId) {
    return VerifiedBases.PREFIX + Hashing.sha1().hashString(imageId, StandardCharsets.UTF_8);
  }

  /**
   * The verified base of the image {@code meta} describes, made from {@code snapshot} (at {@code location}) if needed;
   * held under its lock until closed.
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH}, {@code SIZE_MISMATCH}, a signature or trust refusal (no
   *     base made), {@code LOCK_TIMEOUT}, or {@code CEPH_ERROR}
   */
  VerifiedBases.Base<VerificationReport> ensure(ImageMetadata meta, RbdLocation location, StoreSnapshot snapshot,
      CopyProgress progress) throws ImageTrustException {
    String source = "rbd://" + location.fsid + "/" + location;
    return bases.ensure(baseName(meta.id()), meta.size(),
        sink -> verifier.verifyInto(snapshot, meta, DigestPlan.withChunks(Set.of()), sink, progress),
        (seal, found) -> seal.mismatch(meta, found), r -> Optional.of(r.digests().chunks()),
        (r, stamp) -> BaseSeal.ofStore(meta.id(), r.digests().chunkListDigest().toString(), meta.size(), r.facts(),
            source, snapshot.snapId(), stamp));
  }
}
