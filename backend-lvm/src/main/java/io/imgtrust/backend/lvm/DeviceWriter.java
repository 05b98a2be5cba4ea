package io.imgtrust.backend.lvm;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps up to {@link #DEPTH} device operations in flight on a few writer threads (as {@code qemu-img convert} keeps 8
 * writes in flight), so the copy's thread hashes the next chunk while the previous ones are written or zeroed. Data is
 * copied into one of {@code DEPTH} recycled aligned buffers and padded with zeros to {@link BlockDevice#ALIGN}. The
 * ranges given must not overlap (the writes then need no order). The first failure of any operation is kept and
 * thrown by the next {@link #write}, {@link #zero} or {@link #drain}; none is lost. Called from one thread.
 */
final class DeviceWriter implements AutoCloseable {
  static final int DEPTH = 8;
  static final int BUFFER = 4 << 20;
  private static final int THREADS = 4;

  /** The positional operations the writer threads run; safe to call from several threads on disjoint ranges. */
  interface Target {
    /** Writes all of {@code aligned} (a multiple of the alignment long) at {@code offset}. */
    void write(ByteBuffer aligned, long offset) throws IOException;

    /** Makes {@code length} bytes from {@code offset} read back as zeros. */
    void zero(long offset, long length) throws IOException;

    /** Makes what was written durable; called once the operations are done. */
    void flush() throws IOException;
  }

  private interface Op {
    void run() throws IOException;
  }

  private final Target target;
  private final ExecutorService threads = Executors.newFixedThreadPool(THREADS, DeviceWriter::daemon);
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH);
  private final Semaphore inFlight = new Semaphore(DEPTH);
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  DeviceWriter(Target target) {
    this.target = target;
    for (int i = 0; i < DEPTH; i++) {
      free.add(ByteBuffer.allocateDirect(BUFFER + BlockDevice.ALIGN).alignedSlice(BlockDevice.ALIGN));
    }
  }

  /**
   * Queues all remaining bytes of {@code data} for {@code offset} (aligned), padded with zeros to the next aligned
   * offset, which it returns. {@code data} may be reused once this returns.
   */
  long write(ByteBuffer data, long offset) throws IOException {
    checkArgument(offset % BlockDevice.ALIGN == 0, "unaligned offset %s", offset);
    long pos = offset;
    while (data.hasRemaining()) {
      int n = Math.min(data.remaining(), BUFFER);
      ByteBuffer b = take();
      b.clear().put(data.slice(data.position(), n));
      data.position(data.position() + n);
      while (b.position() % BlockDevice.ALIGN != 0) {
        b.put((byte) 0);
      }
      b.flip();
      long at = pos;
      pos += b.limit();
      submit(() -> target.write(b, at), b);
    }
    return pos;
  }

  /** Queues zeroing {@code length} bytes from {@code offset}. */
  void zero(long offset, long length) throws IOException {
    submit(() -> target.zero(offset, length), null);
  }

  /** Waits until every queued operation is done; throws the first failure. */
  void drain() throws IOException {
    try {
      inFlight.acquire(DEPTH);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
    inFlight.release(DEPTH);
    check();
  }

  /** Waits for the operations in flight (dropping their failures) and stops the threads. */
  @Override
  public void close() {
    inFlight.acquireUninterruptibly(DEPTH);
    inFlight.release(DEPTH);
    threads.shutdown();
  }

  private ByteBuffer take() throws IOException {
    check();
    try {
      return free.take();
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  private void submit(Op op, ByteBuffer recycled) throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      if (recycled != null) {
        free.add(recycled);
      }
      throw interrupted(e);
    }
    threads.execute(() -> run(op, recycled));
    check();
  }

  private void run(Op op, ByteBuffer recycled) {
    try {
      if (failure.get() == null) {
        op.run();
      }
    } catch (IOException e) {
      failure.compareAndSet(null, e);
    } catch (RuntimeException | Error e) {
      // An Error too (OutOfMemoryError, JNA's InternalError): a block not written must fail the import.
      failure.compareAndSet(null, new IOException("device write failed", e));
    } finally {
      if (recycled != null) {
        free.add(recycled);
      }
      inFlight.release();
    }
  }

  private void check() throws IOException {
    IOException e = failure.get();
    if (e != null) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static InterruptedIOException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    InterruptedIOException io = new InterruptedIOException("interrupted while writing the device");
    io.initCause(e);
    return io;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "imgtrust-lvm-writer");
    t.setDaemon(true);
    return t;
  }
}
