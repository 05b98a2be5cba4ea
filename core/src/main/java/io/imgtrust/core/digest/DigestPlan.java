package io.imgtrust.core.digest;


import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.util.Set;

/**
 * Which digests one read of an image computes: any set of whole-file digests, and optionally a SHA-256 per
 * {@link #CHUNK_SIZE} chunk (the chunk leaves). Immutable.
 */
public final class DigestPlan {
  /** Size of a chunk: 4 MiB. The last chunk may be shorter; an empty image has no chunks. */
  public static final int CHUNK_SIZE = 4 << 20;

  private final ImmutableSet<HashAlgorithm> whole;
  private final boolean chunks;

  private DigestPlan(Set<HashAlgorithm> whole, boolean chunks) {
    this.whole = ImmutableSet.copyOf(whole);
    this.chunks = chunks;
  }

  /** Whole-file digests only. */
  public static DigestPlan of(Set<HashAlgorithm> whole) {
    return new DigestPlan(whole, false);
  }

  /** Whole-file digests plus the chunk leaves. */
  public static DigestPlan withChunks(Set<HashAlgorithm> whole) {
    return new DigestPlan(whole, true);
  }

  /** This plan with one more whole-file digest. */
  public DigestPlan plus(HashAlgorithm algorithm) {
    return new DigestPlan(ImmutableSet.<HashAlgorithm>builder().addAll(whole).add(algorithm).build(), chunks);
  }

  public ImmutableSet<HashAlgorithm> whole() {
    return whole;
  }

  public boolean chunks() {
    return chunks;
  }

  /** E.g. {@code sha512+sha256+chunks}, for logs. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    whole.forEach(a -> b.append(b.length() == 0 ? "" : "+").append(a.glanceName()));
    if (chunks) {
      b.append(b.length() == 0 ? "" : "+").append("chunks");
    }
    return b.length() == 0 ? "nothing" : b.toString();
  }

  /** Whether the plan computes anything at all. */
  public boolean isEmpty() {
    return whole.isEmpty() && !chunks;
  }

}
