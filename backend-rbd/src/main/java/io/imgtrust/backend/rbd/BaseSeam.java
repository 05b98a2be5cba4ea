package io.imgtrust.backend.rbd;

/**
 * Where tests step in while a verified base is made or used, to act as a hostile writer of the pool would (production
 * uses {@link #NONE}): after the verified copy is flushed and before its snapshot, and after a base's seal was checked
 * and before the base is cloned.
 */
@FunctionalInterface
interface BaseSeam {
  BaseSeam NONE = (point, image) -> {};

  /** The moments a seam can act at. */
  enum Point {
    /** {@code image} is the temporary base, written and flushed, not yet snapshotted. */
    BEFORE_SNAPSHOT,
    /** {@code image} is the base whose seal was just checked, about to be cloned. */
    BEFORE_CLONE
  }

  void at(Point point, String image) throws Exception;

  /** Runs the seam; what it throws is a test's bug. */
  static void run(BaseSeam seam, Point point, String image) {
    try {
      seam.at(point, image);
    } catch (Exception e) {
      throw new IllegalStateException("test seam at " + point + " failed", e);
    }
  }
}
