package io.imgtrust.core.cache;

/**
 * Told after each entry a {@link Scrubber} checked, on the scrubbing thread; it must be quick. Byte counts are the
 * sizes in the entries' records, so {@code bytesDone} reaches {@code bytesTotal} after the last entry whether or not
 * the entries verified.
 */
@FunctionalInterface
public interface ScrubListener {
  /** Entry {@code imageId} was checked; {@code bytesDone} of {@code bytesTotal} bytes are done. */
  void checked(String imageId, long bytesDone, long bytesTotal);

  /** A listener that ignores progress. */
  ScrubListener NONE = (imageId, bytesDone, bytesTotal) -> { };
}
