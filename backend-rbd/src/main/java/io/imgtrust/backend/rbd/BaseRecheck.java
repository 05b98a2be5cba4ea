package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.ledger.LedgerRecord;
import java.util.List;
import java.util.Optional;

/**
 * {@code [rbd] recheck = always}: reads a base's snapshot back from the cluster and compares every 4 MiB chunk with the
 * cache record's chunk digests (the seal binds the content identity, which is the digest over that list).
 */
final class BaseRecheck {
  private static final int CHUNK = 4 * 1024 * 1024;

  private BaseRecheck() {}

  /** The first chunk that differs, as a sentence; empty when all match. */
  static Optional<String> mismatch(RbdPool pool, String base, String snapshot, LedgerRecord record)
      throws ImageTrustException {
    RbdImage image;
    try {
      image = pool.rbd().openReadOnly(base, snapshot);
    } catch (RbdException e) {
      throw CephErrors.of("cannot open " + pool.spec(base) + "@" + snapshot, e);
    }
    try {
      List<HashCode> chunks = record.chunks();
      byte[] buf = new byte[CHUNK];
      for (int i = 0; i < chunks.size(); i++) {
        long off = (long) i * CHUNK;
        int len = (int) Math.min(CHUNK, record.size() - off);
        int got = image.read(off, buf, len);
        if (got < 0) {
          throw CephErrors.of("cannot read " + pool.spec(base) + "@" + snapshot + " at " + off, got, null);
        }
        if (got != len || !Hashing.sha256().hashBytes(buf, 0, len).equals(chunks.get(i))) {
          return Optional.of("chunk " + i + " of its snapshot differs from the record");
        }
      }
      return Optional.empty();
    } finally {
      try {
        image.close();
      } catch (RbdException e) {
        // read-only: nothing to lose
      }
    }
  }
}
