package io.imgtrust.core.digest;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Hands buffers to an {@link ImageSink} in order, leaving out all-zero blocks where the sink reads zeros anyway, and
 * holes of the source altogether (a sink with {@code zeroBlockSize() == 0} gets their zeros written).
 */
final class SinkLane implements Lane {
  private final ImageSink sink;
  private final long total;
  private final CopyProgress progress;
  private final int block;
  private final ByteBuffer zeros;
  long written;
  long read;

  SinkLane(ImageSink sink, long total, CopyProgress progress) {
    this.sink = sink;
    this.total = total;
    this.progress = progress;
    this.block = sink.zeroBlockSize();
    this.zeros = block > 0 ? ByteBuffer.allocateDirect(block) : null;
  }

  @Override
  public boolean wants(long index) {
    return true;
  }

  @Override
  public void accept(long index, ByteBuffer data) throws IOException {
    long base = index * DigestPlan.CHUNK_SIZE;
    int end = data.limit();
    if (block == 0) {
      write(data, 0, end, base);
    } else {
      int runStart = -1;
      for (int pos = 0; pos < end; pos += block) {
        int len = Math.min(block, end - pos);
        boolean zero = data.slice(pos, len).mismatch(zeros.slice(0, len)) == -1;
        if (!zero && runStart < 0) {
          runStart = pos;
        } else if (zero && runStart >= 0) {
          write(data, runStart, pos, base);
          runStart = -1;
        }
      }
      if (runStart >= 0) {
        write(data, runStart, end, base);
      }
    }
    advance(base + end);
  }

  @Override
  public void acceptHole(long index, int length) throws IOException {
    if (block == 0) {
      accept(index, ZeroChunks.zeros(length));
    } else {
      advance(index * DigestPlan.CHUNK_SIZE + length);
    }
  }

  private void advance(long end) {
    read = end;
    progress.update(Math.min(total, read), total);
  }

  private void write(ByteBuffer data, int from, int to, long base) throws IOException {
    sink.write(data.slice(from, to - from), base + from);
    written += to - from;
  }

  @Override
  public void finish() {}
}
