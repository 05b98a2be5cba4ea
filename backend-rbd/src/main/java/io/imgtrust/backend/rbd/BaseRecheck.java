package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.digest.DigestPlan;
import java.util.List;
import java.util.Optional;

/**
 * Reads a base's snapshot back from the cluster, by image id and snapshot id ({@link BaseRef}: never by name, so what
 * is read is the snapshot meant, and immutable), and compares every 4 MiB chunk with the chunk digests it must have:
 * right after a base is snapshotted (those its verified import just computed), and with {@code [rbd] recheck =
 * always} before each clone (those the seal binds).
 */
final class BaseRecheck {
  private BaseRecheck() {}

  /** The first difference between snapshot {@code ref} and {@code size} bytes of {@code chunks}; empty if none. */
  static Optional<String> mismatch(RbdPool pool, BaseRef ref, List<HashCode> chunks, long size)
      throws ImageTrustException {
    RbdImage image = RbdImages.openSnapshot(pool, ref);
    try {
      long actual = image.stat().size;
      if (actual != size || chunks.size() != (size + DigestPlan.CHUNK_SIZE - 1) / DigestPlan.CHUNK_SIZE) {
        return Optional.of("its snapshot holds " + actual + " bytes in " + chunks.size() + " chunks, not " + size);
      }
      byte[] buf = new byte[DigestPlan.CHUNK_SIZE];
      for (int i = 0; i < chunks.size(); i++) {
        long off = (long) i * DigestPlan.CHUNK_SIZE;
        int len = (int) Math.min(DigestPlan.CHUNK_SIZE, size - off);
        int got = image.read(off, buf, len);
        if (got < 0) {
          throw CephErrors.of("cannot read " + ref + " at " + off, got, null);
        }
        if (got != len || !Hashing.sha256().hashBytes(buf, 0, len).equals(chunks.get(i))) {
          return Optional.of("chunk " + i + " of its snapshot differs from the verified chunk digests");
        }
      }
      return Optional.empty();
    } catch (RbdException e) {
      throw CephErrors.of("cannot read " + ref, e);
    } finally {
      RbdImages.close(image);
    }
  }
}
