package io.imgtrust.backend.lvm;

import io.imgtrust.core.digest.ImageSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes an image into a block device that holds old data (an LV): the copy leaves out all-zero blocks (64 KiB, at
 * aligned offsets), and this sink zeroes every gap it leaves, so each byte of the device is written or zeroed exactly
 * once; the image's last block is padded with zeros. {@link #finish} zeroes
 * the rest of the device past the image (the tail of a disk larger than its image) and flushes. Not thread-safe;
 * {@code VerifiedCopy} writes in ascending order from one thread.
 */
final class BlockSink implements ImageSink {
  private final BlockDevice device;
  private long next;

  BlockSink(BlockDevice device) {
    this.device = device;
  }

  @Override
  public void write(ByteBuffer data, long offset) throws IOException {
    if (offset > next) {
      device.zero(next, offset - next);
    }
    next = device.write(data, offset);
  }

  /** Zeroes what was not written up to {@code deviceSize} and flushes the device. */
  void finish(long deviceSize) throws IOException {
    if (deviceSize > next) {
      device.zero(next, deviceSize - next);
      next = deviceSize;
    }
    device.flush();
  }
}
