package io.imgtrust.core.digest;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a verified copy writes: a target that accepts bytes at offsets. Writes of different offsets may come from
 * different threads and in any order; each offset is written once. Implementations are small (a file, a Parallels
 * image, a block device, an RBD image).
 */
public interface ImageSink {
  /** Writes all remaining bytes of {@code data} at {@code offset}. */
  void write(ByteBuffer data, long offset) throws IOException;
}
