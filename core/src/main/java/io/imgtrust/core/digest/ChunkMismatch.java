package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Path;

/** The refusal for a chunk that differs from its record: {@code DIGEST_MISMATCH} with {@code chunk} and {@code offset}. */
public final class ChunkMismatch {
  private ChunkMismatch() {}

  /** Chunk {@code chunk} of {@code file} differs from the record. */
  public static ImageTrustException at(Path file, long chunk) {
    long offset = chunk * DigestPlan.CHUNK_SIZE;
    return ImageTrustException.of(Reason.DIGEST_MISMATCH, "chunk " + chunk + " (bytes " + offset + "-"
        + (offset + DigestPlan.CHUNK_SIZE - 1) + ") of " + file + " differs from the record",
        ImmutableMap.of("chunk", chunk, "offset", offset));
  }
}
