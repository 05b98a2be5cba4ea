package io.imgtrust.backend.lvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** An in-memory {@link DeviceWriter.Target} holding old data (0xFF), optionally slow or failing at one offset. */
final class FakeDevice implements DeviceWriter.Target {
  final byte[] bytes;
  private final long delayMillis;
  private final long failAt;
  private boolean flushed;
  private boolean writtenAfterFlush;

  FakeDevice(int size, long delayMillis, long failAt) {
    this.bytes = new byte[size];
    Arrays.fill(bytes, (byte) 0xFF);
    this.delayMillis = delayMillis;
    this.failAt = failAt;
  }

  @Override
  public void write(ByteBuffer aligned, long offset) throws IOException {
    int n = aligned.remaining();
    op(offset);
    synchronized (this) {
      aligned.get(bytes, (int) offset, n);
    }
  }

  @Override
  public void zero(long offset, long length) throws IOException {
    op(offset);
    synchronized (this) {
      Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
    }
  }

  @Override
  public synchronized void flush() {
    flushed = true;
  }

  synchronized boolean flushed() {
    return flushed;
  }

  synchronized boolean writtenAfterFlush() {
    return writtenAfterFlush;
  }

  private void op(long offset) throws IOException {
    synchronized (this) {
      writtenAfterFlush |= flushed;
    }
    try {
      Thread.sleep(delayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (offset == failAt) {
      throw new IOException("injected failure at " + offset);
    }
  }
}
