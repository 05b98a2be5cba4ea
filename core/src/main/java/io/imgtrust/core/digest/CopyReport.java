package io.imgtrust.core.digest;

import io.imgtrust.core.ImageTrustException;
import java.util.Optional;

/** What a verified copy did. Immutable. */
public final class CopyReport {
  private final long bytesVerified;
  private final long bytesWritten;
  private final int chunks;
  private final long millis;
  private final Optional<ImageTrustException> failure;

  CopyReport(long bytesVerified, long bytesWritten, int chunks, long millis, ImageTrustException failure) {
    this.failure = Optional.ofNullable(failure);
    this.bytesVerified = bytesVerified;
    this.bytesWritten = bytesWritten;
    this.chunks = chunks;
    this.millis = millis;
  }

  /** Bytes read from the cache file and compared with the record (with a {@link #failure()}, not all matched). */
  public long bytesVerified() {
    return bytesVerified;
  }

  /** Bytes handed to the sink; the rest were all-zero blocks the target reads as zeros anyway. */
  public long bytesWritten() {
    return bytesWritten;
  }

  public int chunks() {
    return chunks;
  }

  public long millis() {
    return millis;
  }

  /**
   * For a copy made with {@link VerifiedCopy#reportingFailures()}: the {@code DIGEST_MISMATCH} or
   * {@code SIZE_MISMATCH} it found, after copying the whole file. Empty when every chunk matched.
   */
  public Optional<ImageTrustException> failure() {
    return failure;
  }
}
