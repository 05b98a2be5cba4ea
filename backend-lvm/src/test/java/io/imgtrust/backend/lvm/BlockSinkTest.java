package io.imgtrust.backend.lvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BlockSinkTest {
  private static final int MIB = 1 << 20;
  private static final long NO_FAILURE = -1;

  @Test
  void finish_slowDevice_everyByteWrittenOrZeroedBeforeFlush() throws IOException {
    FakeDevice device = new FakeDevice(12 * MIB, 20, NO_FAILURE);
    byte[] first = filled(5000, 1);
    byte[] second = filled(9 * MIB, 2);
    try (BlockSink sink = new BlockSink(device)) {
      sink.write(ByteBuffer.wrap(first), 0);
      sink.write(ByteBuffer.wrap(second), 2 * MIB);
      sink.finish(12 * MIB);
    }
    byte[] expected = new byte[12 * MIB];
    System.arraycopy(first, 0, expected, 0, first.length);
    System.arraycopy(second, 0, expected, 2 * MIB, second.length);
    assertThat(Arrays.equals(device.bytes, expected)).as("device content").isTrue();
    assertThat(device.flushed()).isTrue();
    assertThat(device.writtenAfterFlush()).isFalse();
  }

  @Test
  void write_callerReusesItsBuffer_deviceGetsTheBytesGiven() throws IOException {
    FakeDevice device = new FakeDevice(MIB, 50, NO_FAILURE);
    ByteBuffer data = ByteBuffer.wrap(filled(64 * 1024, 7));
    try (BlockSink sink = new BlockSink(device)) {
      sink.write(data, 0);
      Arrays.fill(data.array(), (byte) 9);
      sink.finish(MIB);
    }
    assertThat(device.bytes[0]).isEqualTo((byte) 7);
    assertThat(device.bytes[64 * 1024 - 1]).isEqualTo((byte) 7);
  }

  @Test
  void write_slowDevice_returnsBeforeTheWritesAreDone() throws IOException {
    FakeDevice device = new FakeDevice(8 * MIB, 300, NO_FAILURE);
    try (BlockSink sink = new BlockSink(device)) {
      long start = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        sink.write(ByteBuffer.wrap(filled(MIB, i)), (long) i * MIB);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("4 writes of a 300 ms device, overlapped").isLessThan(4 * 300);
      sink.finish(8 * MIB);
    }
  }

  @Test
  void finish_dataWriteFailed_throwsItAndDoesNotFlush() throws IOException {
    FakeDevice device = new FakeDevice(4 * MIB, 0, MIB);
    try (BlockSink sink = new BlockSink(device)) {
      sink.write(ByteBuffer.wrap(filled(MIB, 1)), 0);
      sink.write(ByteBuffer.wrap(filled(MIB, 2)), MIB);
      assertThatThrownBy(() -> sink.finish(4 * MIB))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("injected failure at " + MIB);
    }
    assertThat(device.flushed()).isFalse();
  }

  @Test
  void write_afterAFailedWrite_throwsIt() throws IOException {
    FakeDevice device = new FakeDevice(16 * MIB, 0, 0);
    try (BlockSink sink = new BlockSink(device)) {
      sink.write(ByteBuffer.wrap(filled(MIB, 1)), 0);
      assertThatThrownBy(() -> {
        for (int i = 1; i < 16; i++) {
          sink.write(ByteBuffer.wrap(filled(MIB, 2)), (long) i * MIB);
          Thread.sleep(10);
        }
      }).isInstanceOf(IOException.class).hasMessageContaining("injected failure at 0");
    }
  }

  @Test
  void finish_zeroingTheTailFailed_throwsIt() throws IOException {
    FakeDevice device = new FakeDevice(4 * MIB, 0, 2 * MIB);
    try (BlockSink sink = new BlockSink(device)) {
      sink.write(ByteBuffer.wrap(filled(2 * MIB, 1)), 0);
      assertThatThrownBy(() -> sink.finish(4 * MIB)).hasMessageContaining("injected failure at " + 2 * MIB);
    }
    assertThat(device.flushed()).isFalse();
  }

  private static byte[] filled(int size, int value) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
