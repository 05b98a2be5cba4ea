package io.imgtrust.core.digest;

import java.nio.ByteBuffer;

/**
 * One consumer of the buffers {@link FanOut} reads. Each lane runs on its own thread and sees the buffers it
 * {@link #wants} in file order. A lane must not keep a reference to a buffer after {@link #accept} returns. Buffers are
 * direct (off-heap), so reading costs one copy by the kernel.
 */
interface Lane {
  /** Whether this lane needs buffer number {@code index} (buffers are numbered from 0). */
  boolean wants(long index);

  /**
   * Consumes buffer {@code index}, which starts at file offset {@code index * bufferSize}: the bytes from
   * {@code data}'s position to its limit. {@code data} is this lane's own view; the lane may move its position.
   */
  void accept(long index, ByteBuffer data) throws Exception;

  /**
   * Consumes buffer {@code index} when the file has a hole over all of it: {@code length} bytes that read as zeros
   * and were not read. Default: {@link #accept} of that many zeros.
   */
  default void acceptHole(long index, int length) throws Exception {
    accept(index, ZeroChunks.zeros(length));
  }

  /** Called once after the last buffer, only if no lane or the reader failed. */
  void finish() throws Exception;
}
