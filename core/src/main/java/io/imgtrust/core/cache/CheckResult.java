package io.imgtrust.core.cache;

import java.util.Optional;

/**
 * The outcome of rechecking a cache entry. Immutable. {@link #bytesHashed()} is 0 when the caller shared a check that
 * another caller (thread, or process holding the entry lock) ran, so sharing is visible.
 */
public final class CheckResult {
  private final String imageId;
  private final long bytesHashed;
  private final boolean shared;
  private final Optional<io.imgtrust.core.ImageTrustException> failure;

  CheckResult(String imageId, long bytesHashed, boolean shared, io.imgtrust.core.ImageTrustException failure) {
    this.imageId = imageId;
    this.bytesHashed = bytesHashed;
    this.shared = shared;
    this.failure = Optional.ofNullable(failure);
  }

  /** The image id; for a cache file without a valid record (which names no image), the file's name. */
  public String imageId() {
    return imageId;
  }

  public long bytesHashed() {
    return bytesHashed;
  }

  /** Whether this caller reused another caller's check. */
  public boolean shared() {
    return shared;
  }

  /** In {@code mode = warn}, the refusal that was logged instead of thrown. Empty when the entry verified. */
  public Optional<io.imgtrust.core.ImageTrustException> failure() {
    return failure;
  }

  public boolean ok() {
    return failure.isEmpty();
  }

  CheckResult asShared() {
    return new CheckResult(imageId, 0, true, failure.orElse(null));
  }
}
