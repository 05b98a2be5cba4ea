package io.imgtrust.core.digest;

/** Told how far a verified copy is; called from the copy's writer thread, so it must be quick. */
@FunctionalInterface
public interface CopyProgress {
  /** {@code done} of {@code total} image bytes have been read, verified so far and written (or skipped as zeros). */
  void update(long done, long total);

  /** A listener that ignores progress. */
  CopyProgress NONE = (done, total) -> { };
}
