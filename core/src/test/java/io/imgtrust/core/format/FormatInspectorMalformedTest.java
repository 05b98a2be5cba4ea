package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed qcow2 headers, and fuzzing of valid headers of every format: only typed refusals may come out. */
class FormatInspectorMalformedTest {
  private static final Duration HANG_GUARD = Duration.ofMinutes(2);

  @TempDir Path dir;

  private Path write(byte[] bytes) throws IOException {
    Path file = dir.resolve("img");
    Files.write(file, bytes);
    return file;
  }

  private String malformed(byte[] image) throws IOException {
    Path file = write(image);
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> FormatInspector.inspect(file));
    assertThat(e).as("expected a refusal").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    return e.getMessage();
  }

  private static byte[] qcow2(Consumer<ByteBuffer> change) {
    byte[] image = new TestImages.Qcow2().build();
    change.accept(ByteBuffer.wrap(image));
    return image;
  }

  @Test
  void inspect_qcow2FieldsOutOfRange_unsafeNamingTheField() throws Exception {
    assertThat(malformed(qcow2(b -> b.putInt(20, 8)))).contains("cluster_bits");
    assertThat(malformed(qcow2(b -> b.putInt(20, 22)))).contains("cluster_bits");
    assertThat(malformed(qcow2(b -> b.putInt(4, 4)))).contains("version");
    assertThat(malformed(qcow2(b -> b.putInt(100, 100)))).contains("header_length");
    assertThat(malformed(qcow2(b -> b.putInt(100, 108)))).contains("header_length");
    assertThat(malformed(qcow2(b -> b.putInt(100, 1 << 17)))).contains("header_length");
    assertThat(malformed(qcow2(b -> b.putInt(32, 3)))).contains("crypt_method");
    assertThat(malformed(qcow2(b -> b.putInt(36, 0)))).contains("l1_size");
    assertThat(malformed(qcow2(b -> b.putLong(40, 4097)))).contains("l1_table_offset");
    assertThat(malformed(qcow2(b -> b.putLong(24, -1)))).contains("size");
    assertThat(malformed(qcow2(b -> b.put(104, (byte) 1)))).contains("compression_type");
    assertThat(malformed(qcow2(b -> b.putInt(96, 7)))).contains("refcount_order");
  }

  @Test
  void inspect_qcow2BadBackingName_unsafe() throws Exception {
    byte[] big = new TestImages.Qcow2().backing("/x", null).build();
    ByteBuffer.wrap(big).putInt(16, 1024);
    assertThat(malformed(big)).contains("backing_file_size");
    byte[] past = new TestImages.Qcow2().backing("/x", null).build();
    ByteBuffer.wrap(past).putLong(8, 1L << 40);
    assertThat(malformed(past)).contains("past end of file");
    byte[] negative = new TestImages.Qcow2().backing("/x", null).build();
    ByteBuffer.wrap(negative).putLong(8, -8);
    assertThat(malformed(negative)).contains("backing_file_offset");
  }

  @Test
  void inspect_qcow2BadExtensions_unsafe() throws Exception {
    TestImages.Qcow2 overflow = new TestImages.Qcow2();
    overflow.extraExtensions.add(ByteBuffer.allocate(8).putInt(0x12345678).putInt(0x7fffffff).array());
    assertThat(malformed(overflow.build())).contains("overflows");
    TestImages.Qcow2 many = new TestImages.Qcow2();
    for (int i = 0; i < 65; i++) {
      many.extraExtensions.add(ByteBuffer.allocate(8).putInt(0x1000 + i).putInt(0).array());
    }
    assertThat(malformed(many.build())).contains("more than 64");
    TestImages.Qcow2 longFormat = new TestImages.Qcow2().backing("b", "0123456789abcdef");
    assertThat(malformed(longFormat.build())).contains("backing format");
    TestImages.Qcow2 twice = new TestImages.Qcow2().backing("b", "raw");
    twice.extraExtensions.add(ByteBuffer.allocate(16).putInt(0xE2792ACA).putInt(3).put((byte) 'r').array());
    assertThat(malformed(twice.build())).contains("duplicate");
  }

  @Test
  void inspect_qcow2Truncated_unsafe() throws Exception {
    byte[] image = new TestImages.Qcow2().build();
    assertThat(malformed(Arrays.copyOf(image, 50))).contains("truncated");
    assertThat(malformed(Arrays.copyOf(image, 100))).contains("truncated");
  }

  @Test
  void inspect_truncatedAtEveryLength_onlyTypedOutcomes() {
    assertTimeoutPreemptively(HANG_GUARD, () -> {
      for (Sample s : samples()) {
        for (int length = 0; length <= s.headerSize && length <= s.bytes.length; length++) {
          check(Arrays.copyOf(s.bytes, length), s.diskFormat);
        }
      }
    });
  }

  @Test
  void inspect_randomByteFlips_onlyTypedOutcomes() {
    assertTimeoutPreemptively(HANG_GUARD, () -> {
      for (Sample s : samples()) {
        for (int seed = 0; seed < s.mutations; seed++) {
          Random random = new Random(seed * 31L + s.diskFormat.hashCode());
          byte[] copy = s.bytes.clone();
          int flips = 1 + random.nextInt(8);
          for (int i = 0; i < flips; i++) {
            int at = random.nextInt(Math.min(s.headerSize, copy.length));
            copy[at] = random.nextInt(4) == 0 ? (byte) 0xff : (byte) random.nextInt(256);
          }
          if (random.nextInt(4) == 0) {
            copy = Arrays.copyOf(copy, random.nextInt(copy.length + 1));
          }
          check(copy, s.diskFormat);
        }
      }
    });
  }

  @Test
  void inspect_craftedVmdkFootersFlipped_onlyTypedOutcomes() {
    assertTimeoutPreemptively(HANG_GUARD, () -> {
      for (byte[] vmdk : VmdkCorpus.variants()) {
        for (int seed = 0; seed < 300; seed++) {
          Random random = new Random(seed);
          byte[] copy = vmdk.clone();
          for (int i = 1 + random.nextInt(4); i > 0; i--) {
            copy[copy.length - 1 - random.nextInt(Math.min(1536, copy.length))] = (byte) random.nextInt(256);
          }
          check(copy, "vmdk");
        }
      }
    });
  }

  private void check(byte[] bytes, String diskFormat) throws IOException {
    Path file = write(bytes);
    try {
      InspectedImage image = FormatInspector.inspect(file);
      assertThat(image.virtualSize()).isNotNegative();
      FormatInspector.requireSafe(file, diskFormat);
    } catch (ImageTrustException e) {
      assertThat(e.reason()).isIn(Reason.UNSAFE_IMAGE, Reason.FORMAT_MISMATCH);
      assertThat(e.getMessage()).isNotBlank();
    } catch (RuntimeException | Error e) {
      fail("untyped failure for " + diskFormat + " image of " + bytes.length + " bytes", e);
    }
  }

  private static final class Sample {
    final String diskFormat;
    final byte[] bytes;
    final int headerSize;
    final int mutations;

    Sample(String diskFormat, byte[] bytes, int headerSize) {
      this(diskFormat, bytes, headerSize, 1500);
    }

    Sample(String diskFormat, byte[] bytes, int headerSize, int mutations) {
      this.diskFormat = diskFormat;
      this.bytes = bytes;
      this.headerSize = headerSize;
      this.mutations = mutations;
    }
  }

  private static Sample[] samples() {
    TestImages.Qcow2 v3 = new TestImages.Qcow2().backing("/base.raw", "raw");
    v3.clusterBits = 12;
    v3.backingOffset = 512;
    TestImages.Qcow2 v2 = new TestImages.Qcow2().version(2);
    v2.clusterBits = 12;
    v2.dataFile = "data.raw";
    byte[] vhd = TestImages.vhdDynamic(8 << 20, null);
    List<Sample> all = new ArrayList<>(List.of(
      new Sample("qcow2", v3.build(), 600),
      new Sample("qcow2", v2.build(), 200),
      new Sample("qcow2", new TestImages.Qcow2().build(), 200),
      new Sample("ploop", TestImages.parallels("WithouFreSpacExt", 4096), 80),
      new Sample("vmdk", TestImages.vmdk(2097152, TestImages.MONOLITHIC_SPARSE), 700),
      new Sample("vhd", vhd, vhd.length),
      new Sample("vdi", TestImages.vdi(1, 1 << 30), 512)));
    for (byte[] vmdk : VmdkCorpus.variants()) {
      all.add(new Sample("vmdk", vmdk, VmdkCorpus.HEADER_AND_DESCRIPTOR, VmdkCorpus.MUTATIONS));
    }
    return all.toArray(Sample[]::new);
  }
}
