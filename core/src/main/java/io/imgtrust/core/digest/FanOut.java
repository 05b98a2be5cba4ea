package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a channel once, into fixed-size buffers, and hands every buffer to each {@link Lane} that wants it; each
 * lane runs on its own thread, so reading and the lanes' work overlap. Every buffer but the last is full, so buffer
 * {@code i} starts at offset {@code i * bufferSize}. A failure in any lane stops the reading and is rethrown.
 */
final class FanOut {
  private static final Slot END = new Slot(ByteBuffer.allocate(0));

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
      total = read(in, holes, free, queues, failure);
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

  private long read(ReadableByteChannel in, Holes holes, BlockingQueue<Slot> free, List<BlockingQueue<Slot>> queues,
      AtomicReference<Throwable> failure) throws IOException, InterruptedException {
    long total = 0;
    int allocated = 0;
    for (long index = 0; failure.get() == null; index++) {
      Slot s = free.poll();
      if (s == null && allocated < slots) {
        s = new Slot(ByteBuffer.allocateDirect(bufferSize));
        allocated++;
      } else if (s == null) {
        s = free.take();
      }
      int n = skipHole(in, holes, total);
      s.hole = n > 0;
      n = s.hole ? n : fill(in, s.buf);
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

  private void publish(Slot s, List<BlockingQueue<Slot>> queues, BlockingQueue<Slot> free) {
    int wanting = 0;
    for (Lane lane : lanes) {
      wanting += lane.wants(s.index) ? 1 : 0;
    }
    if (wanting == 0) {
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
    bb.clear();
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

  private static void work(Lane lane, BlockingQueue<Slot> q, BlockingQueue<Slot> free,
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
          free.add(s);
        }
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

  private static final class Slot {
    final ByteBuffer buf;
    final AtomicInteger pending = new AtomicInteger();
    long index;
    int len;
    boolean hole;

    Slot(ByteBuffer buf) {
      this.buf = buf;
    }
  }
}
