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
 * one read, then snapshotted, protected and sealed with the cluster key; the seal also names the Glance snapshot it was
 * read from ({@code source}, {@code source_snap_id}). Being a copy, nothing done later to Glance's image or to a new
 * snapshot Glance points at reaches a sealed base. A snapshot whose bytes do not verify is refused and the temporary
 * base removed: nothing is sealed or cloned. An existing base is taken on its seal (no bytes read) when it is of the
 * same image and size and was verified against the digest and signature Glance's metadata has now.
 */
final class StoreBases {
  private final RbdPool pool;
  private final VerifiedBases bases;
  private final ImageVerifier verifier;

  StoreBases(RbdPool pool, VerifiedBases bases, ImageVerifier verifier) {
    this.pool = pool;
    this.bases = bases;
    this.verifier = verifier;
  }

  /** A base ready to clone. */
  static final class Made {
    final String name;
    /** The verification that made it in this call; empty when it existed. */
    final Optional<VerificationReport> verified;
    final String sealedBy;

    Made(String name, Optional<VerificationReport> verified, String sealedBy) {
      this.name = name;
      this.verified = verified;
      this.sealedBy = sealedBy;
    }
  }

  static String baseName(String imageId) {
    return VerifiedBases.PREFIX + Hashing.sha1().hashString(imageId, StandardCharsets.UTF_8);
  }

  /**
   * The verified base of the image {@code meta} describes, made from {@code snapshot} (at {@code location}) if needed.
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH}, {@code SIZE_MISMATCH}, a signature or trust refusal (no
   *     base made), {@code LOCK_TIMEOUT}, or {@code CEPH_ERROR}
   */
  Made ensure(ImageMetadata meta, RbdLocation location, StoreSnapshot snapshot, CopyProgress progress)
      throws ImageTrustException {
    String name = baseName(meta.id());
    try (BaseLock held = bases.lock(name)) {
      if (pool.exists(name)) {
        Optional<String> sealedBy = bases.accepted(name, (seal, snapId) -> seal.mismatch(meta, snapId),
            Optional.empty());
        if (sealedBy.isPresent()) {
          return new Made(name, Optional.empty(), sealedBy.get());
        }
      }
      VerificationReport r = RbdImport.run(pool, name, meta.size(),
          sink -> verifier.verifyInto(snapshot, meta, DigestPlan.withChunks(Set.of()), sink, progress));
      String source = "rbd://" + location.fsid + "/" + location;
      String sealedBy = bases.seal(name, (snapId, host, at) -> BaseSeal.ofStore(meta.id(),
          r.digests().chunkListDigest().toString(), meta.size(), r.facts(), snapId, source, snapshot.snapId(), host,
          at));
      return new Made(name, Optional.of(r), sealedBy);
    }
  }
}
