package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdImage;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.imgtrust.core.digest.ImageSink;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * An {@link ImageSink} writing into a new RBD image with overlapped asynchronous writes ({@code rbd_aio_write}): up
 * to {@link #OUTSTANDING} writes of at most {@link #BUFFER} bytes are in flight, each from its own native buffer, so
 * the verified copy never waits for one OSD round trip per chunk. Blocks of zeros are never written (a new RBD image
 * reads zeros). {@link #finish} waits for every write and flushes; {@link #close} always waits for what is in flight
 * before the buffers go. Used by one thread.
 */
final class RbdSink implements ImageSink, AutoCloseable {
  static final int OUTSTANDING = 8;
  static final int BUFFER = 4 * 1024 * 1024;
  /** Zero runs shorter than this are written: one object-sized write is cheaper than several small ones. */
  private static final int ZERO_BLOCK = 64 * 1024;

  private final RbdImage image;
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Memory> spare = new ArrayDeque<>();
  private long firstFailure;

  RbdSink(RbdImage image) {
    this.image = image;
  }

  private static final class Pending {
    final Pointer completion;
    final Memory buffer;

    Pending(Pointer completion, Memory buffer) {
      this.completion = completion;
      this.buffer = buffer;
    }
  }

  @Override
  public int zeroBlockSize() {
    return ZERO_BLOCK;
  }

  @Override
  public void write(ByteBuffer data, long offset) throws CephIoException {
    long pos = offset;
    while (data.hasRemaining()) {
      int len = Math.min(BUFFER, data.remaining());
      Memory buf = buffer();
      ByteBuffer part = data.slice(data.position(), len);
      buf.getByteBuffer(0, len).put(part);
      data.position(data.position() + len);
      submit(buf, pos, len);
      pos += len;
    }
  }

  /** Waits for every write, then flushes the image; a failed write fails here if it did not fail earlier. */
  void finish() throws CephIoException {
    drain();
    int rc = LibRbd.INSTANCE.rbd_flush(image.getPointer());
    if (rc < 0) {
      throw new CephIoException("flush of " + image.getName(), rc);
    }
  }

  /** Waits for what is still in flight (its buffers are in use until then); failures were already reported. */
  @Override
  public void close() {
    while (!inFlight.isEmpty()) {
      complete(inFlight.poll());
    }
    spare.forEach(Memory::close);
    spare.clear();
  }

  private void submit(Memory buf, long offset, int len) throws CephIoException {
    PointerByReference c = new PointerByReference();
    int rc = LibRbd.INSTANCE.rbd_aio_create_completion(null, null, c);
    if (rc < 0) {
      spare.push(buf);
      throw new CephIoException("aio completion", rc);
    }
    rc = LibRbd.INSTANCE.rbd_aio_write(image.getPointer(), offset, len, buf, c.getValue());
    if (rc < 0) {
      LibRbd.INSTANCE.rbd_aio_release(c.getValue());
      spare.push(buf);
      throw new CephIoException("write at " + offset + " of " + image.getName(), rc);
    }
    inFlight.add(new Pending(c.getValue(), buf));
  }

  private Memory buffer() throws CephIoException {
    if (inFlight.size() >= OUTSTANDING) {
      Pending oldest = inFlight.poll();
      complete(oldest);
      check();
    }
    return spare.isEmpty() ? new Memory(BUFFER) : spare.pop();
  }

  private void drain() throws CephIoException {
    while (!inFlight.isEmpty()) {
      complete(inFlight.poll());
    }
    check();
  }

  private void complete(Pending p) {
    LibRbd.INSTANCE.rbd_aio_wait_for_complete(p.completion);
    long rc = LibRbd.INSTANCE.rbd_aio_get_return_value(p.completion);
    LibRbd.INSTANCE.rbd_aio_release(p.completion);
    spare.push(p.buffer);
    if (rc < 0 && firstFailure == 0) {
      firstFailure = rc;
    }
  }

  private void check() throws CephIoException {
    if (firstFailure < 0) {
      throw new CephIoException("write into " + image.getName(), firstFailure);
    }
  }
}
