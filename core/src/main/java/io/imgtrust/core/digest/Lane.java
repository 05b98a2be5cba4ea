package io.imgtrust.core.digest;

/**
 * One consumer of the buffers {@link FanOut} reads. Each lane runs on its own thread and sees the buffers it
 * {@link #wants} in file order. A lane must not keep a reference to a buffer after {@link #accept} returns.
 */
interface Lane {
  /** Whether this lane needs buffer number {@code index} (buffers are numbered from 0). */
  boolean wants(long index);

  /** Consumes {@code len} bytes of buffer {@code index}, which starts at file offset {@code index * bufferSize}. */
  void accept(long index, byte[] buf, int len) throws Exception;

  /** Called once after the last buffer, only if no lane or the reader failed. */
  void finish() throws Exception;
}
