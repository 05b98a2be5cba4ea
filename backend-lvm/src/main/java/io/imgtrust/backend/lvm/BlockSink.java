package io.imgtrust.backend.lvm;

import io.imgtrust.core.digest.ImageSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes an image into a block device that holds old data (an LV): the copy leaves out all-zero blocks (64 KiB, at
 * aligned offsets), and this sink zeroes every gap it leaves, so each byte of the device is written or zeroed exactly
 * once; the image's last block is padded with zeros. Writes and zeroing overlap with the copy's hashing through a
 * {@link DeviceWriter}; a failed one is thrown by a later {@link #write} or by {@link #finish}. {@link #finish} zeroes
 * the rest of the device past the image (the tail of a disk larger than its image), waits for everything and
 * flushes. {@link #close} (always, before the device is closed) waits for what is in flight. Not thread-safe;
 * {@code VerifiedCopy} writes in ascending order from one thread.
 */
final class BlockSink implements ImageSink, AutoCloseable {
  private final DeviceWriter.Target device;
  private final DeviceWriter writer;
  private long next;

  BlockSink(DeviceWriter.Target device) {
    this.device = device;
    this.writer = new DeviceWriter(device);
  }

  @Override
  public void write(ByteBuffer data, long offset) throws IOException {
    if (offset > next) {
      writer.zero(next, offset - next);
    }
    next = writer.write(data, offset);
  }

  /** Zeroes what was not written up to {@code deviceSize}, waits for all writes and flushes the device. */
  void finish(long deviceSize) throws IOException {
    if (deviceSize > next) {
      writer.zero(next, deviceSize - next);
      next = deviceSize;
    }
    writer.drain();
    device.flush();
  }

  @Override
  public void close() {
    writer.close();
  }
}
