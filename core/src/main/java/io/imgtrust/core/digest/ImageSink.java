package io.imgtrust.core.digest;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a verified copy writes: a target that accepts the image's bytes at offsets. {@link VerifiedCopy} calls
 * {@link #write} from one thread, in ascending offset order, each byte at most once. Implementations are small (a
 * sparse file, a Parallels image, a block device, an RBD image); the backend finishes the target (size, header,
 * fsync) after the copy verified.
 */
public interface ImageSink {
  /** Writes all remaining bytes of {@code data} at image offset {@code offset}. */
  void write(ByteBuffer data, long offset) throws IOException;

  /**
   * The size of the blocks that need not be written when all zero, because the target reads never-written blocks as
   * zeros (a sparse file, a new RBD image, a Parallels cluster left out of the BAT). {@code 0} means every byte must
   * be written (e.g. an LV, which holds old data). Default: 64 KiB.
   */
  default int zeroBlockSize() {
    return 64 * 1024;
  }
}
