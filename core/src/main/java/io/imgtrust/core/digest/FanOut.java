package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a channel once, into fixed-size buffers, and hands every buffer to each {@link Lane} that wants it; each
 * lane runs on its own thread, so reading and the lanes' work overlap. Every buffer but the last is full, so buffer
 * {@code i} starts at offset {@code i * bufferSize}. A failure in any lane stops the reading and is rethrown.
 */
final class FanOut {
  private static final Slot END = new Slot();

  private final ImmutableList<Lane> lanes;
  private final int bufferSize;
  private final int slots;

  FanOut(List<? extends Lane> lanes, int bufferSize, int slots) {
    this.lanes = ImmutableList.copyOf(lanes);
    this.bufferSize = bufferSize;
    this.slots = slots;
  }

  /**
   * Reads {@code in} to its end; returns the number of bytes read. Buffers are allocated as needed, at most
   * {@code slots} of them. If the calling thread is interrupted, reading stops with an
   * {@link InterruptedIOException} and the thread's interrupt status is set again.
   */
  long run(ReadableByteChannel in) throws Exception {
    return run(in, Holes.NONE);
  }

  /**
   * Like {@link #run(ReadableByteChannel)}; a buffer that {@code holes} shows to be wholly a hole of {@code in} (then a
   * {@link java.nio.channels.FileChannel} read from its position 0) is not read: the lanes get
   * {@link Lane#acceptHole} for it.
   */
  long run(ReadableByteChannel in, Holes holes) throws Exception {
    return run(in, holes, false);
  }

  /**
   * Like {@link #run(ReadableByteChannel, Holes)}, but the full buffers within the file's size at the start are
   * memory-mapped instead of read: the lanes read them from the page cache with no reader copy, and each mapping is
   * unmapped once every lane is done with it. What follows (the last partial buffer, anything the file grew by) is
   * read. Only for lanes that do not hand the bytes on (a lane reading a mapping twice could see two versions); a
   * file that shrinks while mapped fails with an {@link IOException}.
   */
  long runMapped(FileChannel in, Holes holes) throws Exception {
    try {
      return run(in, holes, true);
    } catch (InternalError e) { // SIGBUS: the file was truncated under a mapping
      throw new IOException("the file changed while it was mapped: " + e.getMessage(), e);
    }
  }

  private long run(ReadableByteChannel in, Holes holes, boolean map) throws Exception {
    BlockingQueue<Slot> free = new ArrayBlockingQueue<>(slots);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<BlockingQueue<Slot>> queues = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (Lane lane : lanes) {
      BlockingQueue<Slot> q = new ArrayBlockingQueue<>(slots + 1);
      queues.add(q);
      Thread t = new Thread(() -> work(lane, q, free, failure), "imgtrust-lane");
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    long total = 0;
    try {
      total = read(in, holes, map, free, queues, failure);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, new InterruptedIOException("read interrupted"));
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, e);
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    } finally {
      for (BlockingQueue<Slot> q : queues) {
        q.add(END);
      }
      for (Thread t : workers) {
        joinUninterruptibly(t);
      }
    }
    Throwable t = failure.get();
    if (t instanceof Exception) {
      throw (Exception) t;
    } else if (t != null) {
      throw (Error) t;
    }
    return total;
  }

  private long read(ReadableByteChannel in, Holes holes, boolean map, BlockingQueue<Slot> free,
      List<BlockingQueue<Slot>> queues, AtomicReference<Throwable> failure) throws IOException, InterruptedException {
    long total = 0;
    int allocated = 0;
    long mappable = map ? ((FileChannel) in).size() / bufferSize * bufferSize : 0;
    for (long index = 0; failure.get() == null; index++) {
      Slot s = free.poll();
      if (s == null && allocated < slots) {
        s = new Slot();
        allocated++;
      } else if (s == null) {
        s = awaitFree(free, failure);
        if (s == null) {
          break; // a lane failed while the lanes held every slot
        }
      }
      int n = skipHole(in, holes, total);
      s.hole = n > 0;
      if (!s.hole && total < mappable) {
        n = s.map((FileChannel) in, total, bufferSize);
      } else if (!s.hole) {
        n = s.fill(in, bufferSize);
      }
      if (n == 0) {
        free.add(s);
        break;
      }
      s.index = index;
      s.len = n;
      total += n;
      publish(s, queues, free);
      if (n < bufferSize) {
        break;
      }
    }
    return total;
  }

  /** The next free slot, or null once a lane has failed (checked every 100 ms while the lanes hold every slot). */
  private static Slot awaitFree(BlockingQueue<Slot> free, AtomicReference<Throwable> failure)
      throws InterruptedException {
    while (failure.get() == null) {
      Slot s = free.poll(100, TimeUnit.MILLISECONDS);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  private void publish(Slot s, List<BlockingQueue<Slot>> queues, BlockingQueue<Slot> free) {
    int wanting = 0;
    for (Lane lane : lanes) {
      wanting += lane.wants(s.index) ? 1 : 0;
    }
    if (wanting == 0) {
      s.release();
      free.add(s);
      return;
    }
    s.pending.set(wanting);
    for (int i = 0; i < lanes.size(); i++) {
      if (lanes.get(i).wants(s.index)) {
        queues.get(i).add(s);
      }
    }
  }

  /** The length of the buffer at {@code pos} if it is wholly a hole (then skipped in {@code in}), else 0. */
  private int skipHole(ReadableByteChannel in, Holes holes, long pos) throws IOException {
    if (holes == Holes.NONE) {
      return 0;
    }
    java.nio.channels.FileChannel ch = (java.nio.channels.FileChannel) in;
    long len = Math.min(bufferSize, ch.size() - pos);
    if (len <= 0 || !holes.hole(pos, pos + len)) {
      return 0;
    }
    ch.position(pos + len);
    return (int) len;
  }

  private static int fill(ReadableByteChannel in, ByteBuffer bb) throws IOException {
    while (bb.hasRemaining()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("read interrupted");
      }
      if (in.read(bb) < 0) {
        break;
      }
    }
    return bb.position();
  }

  /**
   * A lane's thread. A fault reading a mapping can surface as an asynchronous {@link InternalError} anywhere in this
   * thread, even outside {@code accept}: it is recorded as the failure and the queue drained on, never left to end
   * the thread with slots held (the reader gives up on a failure rather than wait for them).
   */
  private static void work(Lane lane, BlockingQueue<Slot> q, BlockingQueue<Slot> free,
      AtomicReference<Throwable> failure) {
    while (true) {
      try {
        drain(lane, q, free, failure);
        break;
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }
    try {
      if (failure.get() == null) {
        lane.finish();
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  /** Feeds {@code lane} the slots of {@code q} until the end is taken. */
  private static void drain(Lane lane, BlockingQueue<Slot> q, BlockingQueue<Slot> free,
      AtomicReference<Throwable> failure) {
    for (Slot s = take(q); s != END; s = take(q)) {
      try {
        if (failure.get() == null) {
          if (s.hole) {
            lane.acceptHole(s.index, s.len);
          } else {
            lane.accept(s.index, s.buf.duplicate().position(0).limit(s.len));
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        if (s.pending.decrementAndGet() == 0) {
          s.release();
          free.add(s);
        }
      }
    }
  }

  private static Slot take(BlockingQueue<Slot> q) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return q.take();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** One buffer in flight: its own direct buffer, or a mapping of the file that is unmapped on release. */
  private static final class Slot {
    final AtomicInteger pending = new AtomicInteger();
    ByteBuffer buf;
    private ByteBuffer owned;
    private MappedByteBuffer mapped;
    long index;
    int len;
    boolean hole;

    /** Reads up to {@code size} bytes into this slot's own buffer; returns how many. */
    int fill(ReadableByteChannel in, int size) throws IOException {
      if (owned == null) {
        owned = ByteBuffer.allocateDirect(size);
      }
      buf = owned.clear();
      return FanOut.fill(in, buf);
    }

    /** Maps {@code [pos, pos + size)} of {@code in} and moves its position past it; returns {@code size}. */
    int map(FileChannel in, long pos, int size) throws IOException {
      try {
        mapped = in.map(FileChannel.MapMode.READ_ONLY, pos, size);
      } catch (IOException e) {
        if (in.size() < pos + size) {
          throw new IOException("the file changed while it was mapped: it shrank to " + in.size() + " bytes", e);
        }
        throw e;
      }
      buf = mapped;
      in.position(pos + size);
      return size;
    }

    /** Called when no lane needs the bytes any more. */
    void release() {
      if (mapped != null) {
        Unmapping.unmap(mapped);
        mapped = null;
        buf = null;
      }
    }
  }
}
