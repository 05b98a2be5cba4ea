package io.imgtrust.backend.lvm;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.io.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code [libvirt] volume_clear}, as in Nova: what is done to an LV's extents before they go back to the group, so the
 * next tenant of those extents cannot read this one's data.
 */
enum VolumeClear {
  /** Nothing (the next import still zeroes whatever it does not write). */
  NONE,
  /** Zeros, as {@link BlockDevice#zero} writes them. */
  ZERO,
  /** {@code shred -n 3 -s BYTES DEVICE}: three passes of random data, Nova's command. */
  SHRED;

  private static final Duration SHRED_TIMEOUT = Duration.ofHours(6);

  /**
   * Clears the first {@code limit} bytes of {@code lv} (all of it when {@code limit} is 0 or larger than the LV).
   *
   * @throws IOException when zeroing fails
   * @throws ImageTrustException {@code IO_ERROR} when {@code shred} fails
   */
  void apply(LogicalVolume lv, long limit, CommandRunner runner) throws IOException, ImageTrustException {
    long bytes = limit == 0 ? lv.size : Math.min(limit, lv.size);
    if (this == ZERO) {
      try (BlockDevice d = BlockDevice.open(lv.path)) {
        d.zero(0, bytes);
        d.flush();
      }
    } else if (this == SHRED) {
      runner.runChecked(List.of("shred", "-n", "3", "-s", Long.toString(bytes), lv.path.toString()), SHRED_TIMEOUT);
    }
  }
}
