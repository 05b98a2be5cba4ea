package io.imgtrust.core.digest;

import com.google.common.base.Suppliers;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * All-zero chunks: their SHA-256 is a constant, so a full chunk that is exactly zero (checked byte for byte with a
 * vectorised comparison, far faster than hashing) gets that constant as its leaf instead of being hashed. VM images
 * are mostly zeros, so this is most of their chunks.
 */
final class ZeroChunks {
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(DigestPlan.CHUNK_SIZE).asReadOnlyBuffer();
  private static final Supplier<byte[]> DIGEST =
      Suppliers.memoize(() -> HashAlgorithm.SHA256.newDigest().digest(new byte[DigestPlan.CHUNK_SIZE]));

  private ZeroChunks() {}

  /** {@code length} zeros (at most a chunk), a read-only view of its own. */
  static ByteBuffer zeros(int length) {
    return ZEROS.duplicate().limit(length);
  }

  /** The SHA-256 leaf of {@code length} zeros (a chunk over a hole), hashed only when shorter than a chunk. */
  static byte[] holeLeaf(int length, java.security.MessageDigest md) {
    if (length == DigestPlan.CHUNK_SIZE) {
      return DIGEST.get().clone();
    }
    md.update(zeros(length));
    return md.digest();
  }

  /** The SHA-256 leaf of {@code data} (position to limit), without hashing when it is a full all-zero chunk. */
  static byte[] leaf(ByteBuffer data, java.security.MessageDigest md) {
    if (data.remaining() == DigestPlan.CHUNK_SIZE && data.mismatch(ZEROS.duplicate()) == -1) {
      data.position(data.limit());
      return DIGEST.get().clone();
    }
    md.update(data);
    return md.digest();
  }
}
