package io.imgtrust.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FanOutTest {
  private static final Duration HANG_GUARD = Duration.ofMinutes(1);

  /** A lane that copies what it sees, so the test can check order, indices and contents. */
  private static class RecordingLane implements Lane {
    final LongPredicate wants;
    final List<Long> indices = Collections.synchronizedList(new ArrayList<>());
    final List<byte[]> buffers = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger finished = new AtomicInteger();
    volatile String thread;

    RecordingLane(LongPredicate wants) {
      this.wants = wants;
    }

    RecordingLane() {
      this(i -> true);
    }

    @Override
    public boolean wants(long index) {
      return wants.test(index);
    }

    @Override
    public void accept(long index, java.nio.ByteBuffer data) throws Exception {
      thread = Thread.currentThread().getName();
      indices.add(index);
      byte[] copy = new byte[data.remaining()];
      data.get(copy);
      buffers.add(copy);
    }

    @Override
    public void finish() throws Exception {
      finished.incrementAndGet();
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static ReadableByteChannel channel(byte[] data) {
    return Channels.newChannel(new ByteArrayInputStream(data));
  }

  /** Returns at most {@code max} bytes per read, so buffers have to be filled from several reads. */
  private static ReadableByteChannel trickle(byte[] data, int max) {
    return new ReadableByteChannel() {
      private int pos;

      @Override
      public int read(ByteBuffer dst) {
        if (pos == data.length) {
          return -1;
        }
        int n = Math.min(Math.min(max, dst.remaining()), data.length - pos);
        dst.put(data, pos, n);
        pos += n;
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  private static void assertSawInOrder(RecordingLane lane, byte[] data, int bufferSize, LongPredicate wanted) {
    List<Long> expected = new ArrayList<>();
    long count = (data.length + bufferSize - 1) / bufferSize;
    for (long i = 0; i < count; i++) {
      if (wanted.test(i)) {
        expected.add(i);
      }
    }
    assertThat(lane.indices).containsExactlyElementsOf(expected);
    for (int k = 0; k < lane.indices.size(); k++) {
      int offset = (int) (lane.indices.get(k) * bufferSize);
      byte[] slice = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + bufferSize));
      assertThat(lane.buffers.get(k)).as("buffer %d", lane.indices.get(k)).isEqualTo(slice);
    }
    assertThat(lane.finished).hasValue(1);
  }

  // ---------------------------------------------------------------------------------------------- order and offsets

  @ParameterizedTest(name = "size={0} buffer={1} slots={2}")
  @CsvSource({
    "1000, 16, 2",
    "1024, 16, 2",
    "1, 16, 1",
    "15, 16, 3",
    "16, 16, 3",
    "17, 16, 3",
    "100000, 4096, 8",
    "100000, 100, 1",
  })
  void run_severalLanes_eachSeesItsBuffersInOrderWithRightOffsets(int size, int bufferSize, int slots)
      throws Exception {
    byte[] data = random(size, size);
    RecordingLane all = new RecordingLane();
    LongPredicate even = i -> i % 2 == 0;
    RecordingLane evens = new RecordingLane(even);
    LongPredicate third = i -> i % 3 == 1;
    RecordingLane thirds = new RecordingLane(third);
    FanOut fanOut = new FanOut(List.of(all, evens, thirds), bufferSize, slots);

    long total = assertTimeoutPreemptively(HANG_GUARD, () -> fanOut.run(channel(data)));

    assertThat(total).isEqualTo(size);
    assertSawInOrder(all, data, bufferSize, i -> true);
    assertSawInOrder(evens, data, bufferSize, even);
    assertSawInOrder(thirds, data, bufferSize, third);
  }

  @Test
  void run_shortReads_everyBufferButLastIsFull() throws Exception {
    byte[] data = random(10_007, 5);
    RecordingLane lane = new RecordingLane();

    long total = assertTimeoutPreemptively(HANG_GUARD,
        () -> new FanOut(List.of(lane), 1000, 2).run(trickle(data, 7)));

    assertThat(total).isEqualTo(data.length);
    assertSawInOrder(lane, data, 1000, i -> true);
    for (int k = 0; k < lane.buffers.size() - 1; k++) {
      assertThat(lane.buffers.get(k)).hasSize(1000);
    }
    assertThat(lane.buffers.get(lane.buffers.size() - 1)).hasSize(7);
  }

  @Test
  void run_exactMultipleOfBufferSize_noEmptyTrailingBuffer() throws Exception {
    byte[] data = random(3 * 64, 6);
    RecordingLane lane = new RecordingLane();

    new FanOut(List.of(lane), 64, 2).run(channel(data));

    assertThat(lane.indices).containsExactly(0L, 1L, 2L);
    assertThat(lane.buffers).allSatisfy(b -> assertThat(b).hasSize(64));
  }

  @Test
  void run_emptyInput_noBuffersFinishCalledReturnsZero() throws Exception {
    RecordingLane lane = new RecordingLane();

    long total = assertTimeoutPreemptively(HANG_GUARD,
        () -> new FanOut(List.of(lane), 64, 2).run(channel(new byte[0])));

    assertThat(total).isZero();
    assertThat(lane.indices).isEmpty();
    assertThat(lane.finished).hasValue(1);
  }

  @Test
  void run_noLanes_readsEverything() throws Exception {
    long total = assertTimeoutPreemptively(HANG_GUARD,
        () -> new FanOut(List.of(), 64, 2).run(channel(new byte[1000])));

    assertThat(total).isEqualTo(1000);
  }

  @Test
  void run_laneWantingNoBuffers_neverAcceptsButFinishes() throws Exception {
    byte[] data = random(1000, 7);
    RecordingLane none = new RecordingLane(i -> false);
    RecordingLane all = new RecordingLane();

    long total = assertTimeoutPreemptively(HANG_GUARD,
        () -> new FanOut(List.of(none, all), 16, 2).run(channel(data)));

    assertThat(total).isEqualTo(1000);
    assertThat(none.indices).isEmpty();
    assertThat(none.finished).hasValue(1);
    assertSawInOrder(all, data, 16, i -> true);
  }

  @Test
  void run_onlyLanesWantingNoBuffers_doesNotHang() throws Exception {
    RecordingLane a = new RecordingLane(i -> false);
    RecordingLane b = new RecordingLane(i -> false);

    long total = assertTimeoutPreemptively(HANG_GUARD,
        () -> new FanOut(List.of(a, b), 16, 1).run(channel(new byte[10_000])));

    assertThat(total).isEqualTo(10_000);
    assertThat(a.finished).hasValue(1);
    assertThat(b.finished).hasValue(1);
  }

  @Test
  void run_eachLane_runsOnItsOwnThread() throws Exception {
    RecordingLane a = new RecordingLane();
    RecordingLane b = new RecordingLane();

    new FanOut(List.of(a, b), 16, 2).run(channel(new byte[100]));

    assertThat(a.thread).isNotNull().isNotEqualTo(Thread.currentThread().getName());
    assertThat(b.thread).isNotNull();
  }

  // ---------------------------------------------------------------------------------------------- failures

  @ParameterizedTest(name = "failAt={0} slots={1}")
  @CsvSource({"0, 1", "0, 2", "1, 2", "5, 3", "62, 8"})
  void run_laneThrowsInAccept_rethrowsThatExceptionWithoutHanging(long failAt, int slots) {
    IllegalStateException boom = new IllegalStateException("accept failed");
    RecordingLane failing = new RecordingLane() {
      @Override
      public void accept(long index, java.nio.ByteBuffer data) throws Exception {
        if (index == failAt) {
          throw boom;
        }
        super.accept(index, data);
      }
    };
    RecordingLane other = new RecordingLane();
    FanOut fanOut = new FanOut(List.of(other, failing), 16, slots);

    assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThatThrownBy(() -> fanOut.run(channel(new byte[16 * 64]))).isSameAs(boom));
    assertThat(failing.finished).hasValue(0);
  }

  @Test
  void run_laneThrowsCheckedInAccept_rethrowsSameInstance() {
    Exception boom = new Exception("checked");
    Lane failing = new RecordingLane() {
      @Override
      public void accept(long index, java.nio.ByteBuffer data) throws Exception {
        throw boom;
      }
    };

    assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
        () -> new FanOut(List.of(failing), 16, 2).run(channel(new byte[1000]))).isSameAs(boom));
  }

  @Test
  void run_laneThrowsErrorInAccept_rethrowsSameError() {
    AssertionError boom = new AssertionError("error");
    Lane failing = new RecordingLane() {
      @Override
      public void accept(long index, java.nio.ByteBuffer data) {
        throw boom;
      }
    };

    assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
        () -> new FanOut(List.of(failing, new RecordingLane()), 16, 2).run(channel(new byte[1000])))
        .isSameAs(boom));
  }

  @Test
  void run_laneFailsOnFirstBufferOfMany_otherLaneNotFinishedAndReadingStops() {
    IllegalStateException boom = new IllegalStateException("first");
    RecordingLane failing = new RecordingLane() {
      @Override
      public void accept(long index, java.nio.ByteBuffer data) {
        throw boom;
      }
    };
    RecordingLane other = new RecordingLane();
    int buffers = 1000;

    assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
        () -> new FanOut(List.of(failing, other), 16, 2).run(channel(new byte[16 * buffers])))
        .isSameAs(boom));
    assertThat(other.finished).hasValue(0);
    assertThat(other.indices.size()).isLessThan(buffers);
  }

  @Test
  void run_laneThrowsInFinish_rethrowsThatException() {
    IllegalStateException boom = new IllegalStateException("finish failed");
    RecordingLane failing = new RecordingLane() {
      @Override
      public void finish() {
        throw boom;
      }
    };
    RecordingLane other = new RecordingLane();

    assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
        () -> new FanOut(List.of(failing, other), 16, 2).run(channel(new byte[1000]))).isSameAs(boom));
    assertThat(failing.indices).hasSize(63);
  }

  @Test
  void run_laneThrowsCheckedInFinish_rethrowsSameInstance() {
    IOException boom = new IOException("finish io");
    RecordingLane failing = new RecordingLane() {
      @Override
      public void finish() throws IOException {
        throw boom;
      }
    };

    assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
        () -> new FanOut(List.of(failing), 16, 2).run(channel(new byte[0]))).isSameAs(boom));
  }

  @Test
  void run_readerFails_rethrowsAndNoLaneFinished() {
    IOException boom = new IOException("read failed");
    ReadableByteChannel failing = new ReadableByteChannel() {
      private int calls;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (++calls > 3) {
          throw boom;
        }
        int n = Math.min(dst.remaining(), 10);
        dst.put(new byte[n]);
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
    RecordingLane a = new RecordingLane();
    RecordingLane b = new RecordingLane(i -> i == 0);

    assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
        () -> new FanOut(List.of(a, b), 16, 2).run(failing)).isSameAs(boom));
    assertThat(a.finished).hasValue(0);
    assertThat(b.finished).hasValue(0);
  }

  @Test
  void run_slowLaneWithOneSlot_stillCompletesInOrder() throws Exception {
    byte[] data = random(2000, 9);
    RecordingLane slow = new RecordingLane() {
      @Override
      public void accept(long index, java.nio.ByteBuffer data) throws Exception {
        Thread.yield();
        super.accept(index, data);
      }
    };
    RecordingLane fast = new RecordingLane();

    assertTimeoutPreemptively(HANG_GUARD, () -> new FanOut(List.of(slow, fast), 10, 1).run(channel(data)));

    assertSawInOrder(slow, data, 10, i -> true);
    assertSawInOrder(fast, data, 10, i -> true);
  }

  @ParameterizedTest(name = "mapped={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void run_fileWithHoles_holeBuffersReachLanesWithoutARead(boolean mapped,
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    int c = DigestPlan.CHUNK_SIZE;
    java.nio.file.Path f = HolesTest.sparse(dir.resolve("f"), 4, 1);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Lane lane = new Lane() {
      @Override
      public boolean wants(long index) {
        return true;
      }

      @Override
      public void accept(long index, ByteBuffer data) {
        seen.add("read " + index + " " + data.remaining() + " " + data.get(4321));
      }

      @Override
      public void acceptHole(long index, int length) {
        seen.add("hole " + index + " " + length);
      }

      @Override
      public void finish() {}
    };

    long total;
    try (Holes.Opened o = Holes.open(f, false, 0)) {
      FanOut fan = new FanOut(List.of(lane), c, 2);
      total = mapped ? fan.runMapped(o.channel, o.holes) : fan.run(o.channel, o.holes);
    }

    assertThat(total).isEqualTo(4L * c);
    assertThat(seen).containsExactly("hole 0 " + c, "read 1 " + c + " 1", "hole 2 " + c, "hole 3 " + c);
  }

  // ------------------------------------------------------------------------------------------------------ mapped

  private static long runMapped(java.nio.file.Path f, List<? extends Lane> lanes, int bufferSize, int slots)
      throws Exception {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
      return new FanOut(lanes, bufferSize, slots).runMapped(ch, Holes.NONE);
    }
  }

  @ParameterizedTest(name = "size={0} buffer={1} slots={2}")
  @CsvSource({"100000, 4096, 3", "8192, 4096, 1", "4095, 4096, 2", "0, 4096, 2"})
  void runMapped_fullAndPartialBuffers_lanesSeeTheFileInOrder(int size, int bufferSize, int slots,
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    byte[] data = random(size, 21);
    java.nio.file.Path f = java.nio.file.Files.write(dir.resolve("f"), data);
    RecordingLane a = new RecordingLane();
    RecordingLane odd = new RecordingLane(i -> i % 2 == 1);

    long total = assertTimeoutPreemptively(HANG_GUARD, () -> runMapped(f, List.of(a, odd), bufferSize, slots));

    assertThat(total).isEqualTo(size);
    assertSawInOrder(a, data, bufferSize, i -> true);
    assertSawInOrder(odd, data, bufferSize, i -> i % 2 == 1);
  }

  @Test
  void runMapped_fileTruncatedUnderAMapping_ioExceptionNotACrash(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    int b = 1 << 16;
    java.nio.file.Path f = java.nio.file.Files.write(dir.resolve("f"), random(8 * b, 22));
    java.util.concurrent.CountDownLatch mapped = new java.util.concurrent.CountDownLatch(1);
    Lane truncating = new Lane() {
      private final java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");

      @Override
      public boolean wants(long index) {
        return true;
      }

      @Override
      public void accept(long index, ByteBuffer data) throws Exception {
        if (index == 0) {
          Thread.sleep(100); // the reader maps ahead meanwhile
          try (java.nio.channels.FileChannel w =
              java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            w.truncate(0);
          }
        }
        md.update(data); // as the digest lanes read
      }

      @Override
      public void finish() {}
    };

    Lane chunks = new Lane() {
      private final java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");

      @Override
      public boolean wants(long index) {
        return true;
      }

      @Override
      public void accept(long index, ByteBuffer data) {
        ZeroChunks.leaf(data, md); // as the chunk lanes read: a zero check, then the hash
      }

      @Override
      public void finish() {}
    };

    assertThatThrownBy(() -> assertTimeoutPreemptively(HANG_GUARD,
        () -> runMapped(f, List.of(truncating, chunks), b, 4)))
        .isInstanceOf(IOException.class).hasMessageContaining("changed while it was mapped")
        .hasMessageContaining("fault occurred");
  }

  @Test
  void runMapped_fileGrowsAfterTheStart_theGrowthIsReadToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    int b = 4096;
    byte[] data = random(5 * b + 100, 23);
    java.nio.file.Path f = java.nio.file.Files.write(dir.resolve("f"), Arrays.copyOf(data, 2 * b));
    RecordingLane growing = new RecordingLane() {
      @Override
      public void accept(long index, ByteBuffer d) throws Exception {
        if (index == 0) {
          java.nio.file.Files.write(f, data);
        }
        super.accept(index, d);
      }
    };

    long total = assertTimeoutPreemptively(HANG_GUARD, () -> runMapped(f, List.of(growing), b, 1));

    assertThat(total).isEqualTo(data.length);
    assertSawInOrder(growing, data, b, i -> true);
  }

  @Test
  void acceptHole_byDefault_acceptsThatManyZeros() throws Exception {
    RecordingLane lane = new RecordingLane();

    lane.acceptHole(3, 1000);

    assertThat(lane.indices).containsExactly(3L);
    assertThat(lane.buffers.get(0)).isEqualTo(new byte[1000]);
  }
}
