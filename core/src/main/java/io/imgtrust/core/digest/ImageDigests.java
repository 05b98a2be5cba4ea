package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.util.Optional;

/**
 * The digests one read of an image produced. Immutable.
 *
 * <p>Chunk leaves are SHA-256 of consecutive {@link DigestPlan#CHUNK_SIZE} chunks; {@link #chunkListDigest()} is
 * SHA-256 over the concatenated leaves, the identity of the content. {@link HashCode#equals} is constant-time.
 */
public final class ImageDigests {
  private final ImmutableMap<HashAlgorithm, HashCode> whole;
  private final ImmutableList<HashCode> chunks;
  private final long bytesHashed;

  ImageDigests(ImmutableMap<HashAlgorithm, HashCode> whole, ImmutableList<HashCode> chunks, long bytesHashed) {
    this.whole = whole;
    this.chunks = chunks;
    this.bytesHashed = bytesHashed;
  }

  /** The whole-file digest for {@code algorithm}, if the plan asked for it. */
  public Optional<HashCode> whole(HashAlgorithm algorithm) {
    return Optional.ofNullable(whole.get(algorithm));
  }

  /** The chunk leaves, in file order; empty if the plan did not ask for them. */
  public ImmutableList<HashCode> chunks() {
    return chunks;
  }

  /** SHA-256 over the concatenated chunk leaves. */
  public HashCode chunkListDigest() {
    return chunkListDigest(chunks);
  }

  /** SHA-256 over the concatenation of {@code leaves}. */
  public static HashCode chunkListDigest(ImmutableList<HashCode> leaves) {
    var md = HashAlgorithm.SHA256.newDigest();
    for (HashCode leaf : leaves) {
      md.update(leaf.asBytes());
    }
    return HashCode.fromBytes(md.digest());
  }

  /** How many bytes were read and hashed. */
  public long bytesHashed() {
    return bytesHashed;
  }
}
