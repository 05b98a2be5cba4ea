package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes a verified base (under its lock, which the caller holds) with ONE open image handle from the create to the
 * seal, so that what is snapshotted and sealed is the image that was written, whatever happens to names meanwhile:
 * <ol>
 *   <li>creates {@code <base>~import-<random>}, opens it, writes the verified copy into it and flushes
 *       ({@link RbdImport#build}: a failure, also of the rename, discards the handle and removes it);
 *   <li>snapshots and protects it through that handle, then reads the snapshot back by image id and snapshot id
 *       (immutable) and compares every chunk with the chunk digests the verified copy just computed: a pool writer
 *       that changed the temporary image before the snapshot is caught here ({@code DIGEST_MISMATCH}, the temporary
 *       removed, nothing sealed);
 *   <li>renames it to the base's name, checks that the name now holds the image of that handle (else
 *       {@code RECORD_INVALID}: swapped, nothing sealed), and writes the seal (bound to the cluster, pool, image id and
 *       snapshot id) and the chunk digests through the handle.
 * </ol>
 * A copy that failed verification (warn mode) gets no snapshot and no seal.
 */
final class BaseBuild {
  private final RbdPool pool;
  private final ClusterKey key;
  private final BaseSeam seam;

  BaseBuild(RbdPool pool, ClusterKey key, BaseSeam seam) {
    this.pool = pool;
    this.key = key;
    this.seam = seam;
  }

  /** Makes the seal of a base just made from {@code report}, snapshotted as {@code stamp} says. */
  @FunctionalInterface
  interface SealMaker<R> {
    BaseSeal make(R report, BaseSeal.Stamp stamp);
  }

  /**
   * What a build made: the source's report, the sealed snapshot and who sealed it (empty and "" when the copy failed
   * verification).
   */
  static final class Built<R> {
    final R report;
    final Optional<BaseRef> ref;
    final String sealedBy;

    Built(R report, Optional<BaseRef> ref, String sealedBy) {
      this.report = report;
      this.ref = ref;
      this.sealedBy = sealedBy;
    }
  }

  /** The open handle of the base being built, and its sealed snapshot once made. */
  private static final class Handle {
    RbdImage image;
    BaseRef ref;
    List<HashCode> chunks;

    /** Removes the snapshot of a base that failed (so the image can be removed) and closes the handle. */
    void discard() {
      if (image == null) {
        return;
      }
      try {
        RbdImages.dropSnapshot(image);
      } catch (ImageTrustException | RbdException e) {
        // the image stays behind with its snapshot; base-remove removes it
      } finally {
        RbdImages.close(image);
        image = null;
      }
    }
  }

  /**
   * Makes base {@code name} of {@code size} bytes from {@code source}; {@code chunks} gives the chunk digests a report
   * verified (empty when the copy failed verification), {@code maker} its seal.
   */
  <R> Built<R> make(String name, long size, RbdImport.Source<R> source,
      Function<R, Optional<List<HashCode>>> chunks, SealMaker<R> maker) throws ImageTrustException {
    Handle h = new Handle();
    try {
      R report = build(name, size, source, chunks, h);
      if (h.ref == null) {
        return new Built<>(report, Optional.empty(), "");
      }
      requireSame(name, h.ref);
      BaseSeal seal = maker.make(report, new BaseSeal.Stamp(h.ref, key.fingerprint(), hostName(), Instant.now()));
      RbdImages.setMetadata(h.image, BaseSeal.CHUNKS_KEY, BaseSeal.chunksText(h.chunks));
      String body = seal.body();
      RbdImages.setMetadata(h.image, BaseSeal.BODY_KEY, body);
      RbdImages.setMetadata(h.image, BaseSeal.MAC_KEY, key.mac(body));
      return new Built<>(report, Optional.of(h.ref), seal.sealedBy());
    } finally {
      if (h.image != null) {
        RbdImages.close(h.image);
      }
    }
  }

  /** Writes, snapshots and renames the temporary through {@code h}, which a failure discards before the removal. */
  private <R> R build(String name, long size, RbdImport.Source<R> source,
      Function<R, Optional<List<HashCode>>> chunks, Handle h) throws ImageTrustException {
    return RbdImport.build(pool, name, tmp -> {
      pool.create(tmp, size);
      h.image = pool.open(tmp);
      R r = RbdImport.write(pool, h.image, source);
      Optional<List<HashCode>> verified = chunks.apply(r);
      if (verified.isPresent()) {
        h.chunks = verified.get();
        h.ref = snapshot(tmp, h.image, h.chunks, size);
      }
      return r;
    }, h::discard);
  }

  /** Snapshots and protects the written {@code image}, and checks the snapshot holds {@code chunks}. */
  private BaseRef snapshot(String tmp, RbdImage image, List<HashCode> chunks, long size) throws ImageTrustException {
    BaseSeam.run(seam, BaseSeam.Point.BEFORE_SNAPSHOT, tmp);
    try {
      image.snapCreate(VerifiedBases.SNAPSHOT);
      image.snapProtect(VerifiedBases.SNAPSHOT);
    } catch (RbdException e) {
      throw CephErrors.of("cannot snapshot " + pool.spec(tmp), e);
    }
    BaseRef ref = RbdImages.ref(pool, image);
    Optional<String> differs = BaseRecheck.mismatch(pool, ref, chunks, size);
    if (differs.isPresent()) {
      throw ImageTrustException.of(Reason.DIGEST_MISMATCH, "the verified base " + pool.spec(tmp) + " is refused: "
          + differs.get() + " (something wrote into the image after the verified copy); nothing sealed",
          ImmutableMap.of("base", pool.spec(tmp)));
    }
    return ref;
  }

  /** Refuses when {@code name} is not the image that was built (it was swapped before the seal). */
  private void requireSame(String name, BaseRef built) throws ImageTrustException {
    RbdImage image = pool.open(name);
    try {
      String id = RbdImages.id(image);
      if (!id.equals(built.imageId)) {
        throw ImageTrustException.of(Reason.RECORD_INVALID, "the verified base " + pool.spec(name) + " is RBD image "
            + "id " + id + ", not the image id " + built.imageId + " that was built and verified (swapped before it "
            + "was sealed); nothing sealed", ImmutableMap.of("base", pool.spec(name)));
      }
    } finally {
      RbdImages.close(image);
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown host";
    }
  }
}
