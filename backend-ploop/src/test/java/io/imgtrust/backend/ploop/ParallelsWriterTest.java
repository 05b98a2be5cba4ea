package io.imgtrust.backend.ploop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.io.BaseEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParallelsWriterTest {
  private static final int MIB = 1024 * 1024;
  /** The first 64 bytes {@code qemu-img create -f parallels x 9437191} (qemu 7.2) writes. */
  private static final String QEMU_HEADER_9437191 = "576974686f7546726553706163457874020000001000000024000000"
      + "000800000a00000001480000000000000000000000080000000000000000000000000000";

  @TempDir Path dir;

  @Test
  void finish_noWrites_headerIsByteForByteWhatQemuImgCreateWrites() throws IOException {
    Path p = write(9437191, w -> { });

    byte[] header = Arrays.copyOf(Files.readAllBytes(p), 64);
    assertThat(BaseEncoding.base16().lowerCase().encode(header)).isEqualTo(QEMU_HEADER_9437191);
    assertThat(Files.size(p)).isEqualTo(MIB);
  }

  /** Expected values read with xxd from files {@code qemu-img create -f parallels} (qemu 7.2) made. */
  @ParameterizedTest
  @CsvSource({
      "102400, 200, 0, 1, 2048",
      "1048576, 2048, 4, 1, 2048",
      "9437191, 18433, 36, 10, 2048",
      "67108864, 131072, 256, 64, 2048",
      "5000000000, 9765625, 19073, 4769, 2048",
      "10737418240, 20971520, 40960, 10240, 2048",
      "322122547200, 629145600, 1228800, 307200, 4096"})
  void header_sizes_fieldsMatchQemu(long size, long sectors, int cylinders, int bat, int dataOff) throws IOException {
    ParallelsTestReader r = ParallelsTestReader.open(write(size, w -> { }));

    assertThat(r.magic).isEqualTo("WithouFreSpacExt");
    assertThat(r.version).isEqualTo(2);
    assertThat(r.heads).isEqualTo(16);
    assertThat(r.tracks).isEqualTo(2048);
    assertThat(r.sectors).isEqualTo(sectors);
    assertThat(r.cylinders).isEqualTo(cylinders);
    assertThat(r.batEntries).isEqualTo(bat);
    assertThat(r.dataOff).isEqualTo(dataOff);
    assertThat(r.inUse).isZero();
    assertThat(r.flags).isZero();
    assertThat(r.extOff).isZero();
    assertThat(r.fileLength()).isEqualTo(dataOff * 512L);
    r.close();
  }

  @Test
  void write_skippedClusters_batEntriesZeroAndDataPacked() throws IOException {
    byte[] a = random(MIB, 1);
    byte[] c = random(MIB, 3);
    Path p = write(4L * MIB, w -> {
      w.write(ByteBuffer.wrap(a), 0);
      w.write(ByteBuffer.wrap(c), 2L * MIB);
    });

    ParallelsTestReader r = ParallelsTestReader.open(p);
    assertThat(r.bat).containsExactly(1, 0, 2, 0);
    assertThat(r.fileLength()).isEqualTo(3L * MIB);
    assertThat(r.guestBytes(0, MIB)).isEqualTo(a);
    assertThat(r.guestBytes(MIB, MIB)).containsOnly(0);
    assertThat(r.guestBytes(2L * MIB, MIB)).isEqualTo(c);
    r.close();
  }

  @Test
  void write_sizeNotClusterMultiple_lastPartialClusterAllocatedAndPadded() throws IOException {
    byte[] tail = random(7, 9);
    Path p = write(9L * MIB + 7, w -> w.write(ByteBuffer.wrap(tail), 9L * MIB));

    ParallelsTestReader r = ParallelsTestReader.open(p);
    assertThat(r.sectors).isEqualTo(18433);
    assertThat(r.bat[9]).isEqualTo(1);
    assertThat(r.fileLength()).isEqualTo(2L * MIB);
    assertThat(r.guestBytes(9L * MIB, 512)).startsWith(tail).endsWith(new byte[505]);
    r.close();
  }

  @Test
  void write_splitAcrossClustersAndWithinOne_eachClusterAllocatedOnce() throws IOException {
    byte[] data = random(3 * MIB, 4);
    Path p = write(8L * MIB, w -> {
      w.write(ByteBuffer.wrap(data, 0, MIB + 100), MIB / 2);
      w.write(ByteBuffer.wrap(data, MIB + 100, 3 * MIB - MIB - 100), MIB / 2 + MIB + 100);
    });

    ParallelsTestReader r = ParallelsTestReader.open(p);
    assertThat(r.bat).containsExactly(1, 2, 3, 4, 0, 0, 0, 0);
    assertThat(r.guestBytes(MIB / 2, 3 * MIB)).isEqualTo(data);
    assertThat(r.guestBytes(0, MIB / 2)).containsOnly(0);
    r.close();
  }

  @Test
  void write_diskGrownBeyondImage_restOfBatIsZero() throws IOException {
    byte[] data = random(3 * MIB, 5);
    Path p = write(64L * MIB + 512, w -> w.write(ByteBuffer.wrap(data), 0));

    ParallelsTestReader r = ParallelsTestReader.open(p);
    assertThat(r.batEntries).isEqualTo(65);
    assertThat(Arrays.copyOf(r.bat, 3)).containsExactly(1, 2, 3);
    assertThat(Arrays.copyOfRange(r.bat, 3, 65)).containsOnly(0);
    assertThat(r.fileLength()).isEqualTo(4L * MIB);
    r.close();
  }

  @Test
  void write_batLongerThanOneWindow_farClusterMappedAfterDataOffset() throws IOException {
    byte[] data = random(MIB, 6);
    Path p = write(300L * 1024 * MIB, w -> {
      w.write(ByteBuffer.wrap(data), 0);
      w.write(ByteBuffer.wrap(data), 300_000L * MIB);
    });

    ParallelsTestReader r = ParallelsTestReader.open(p);
    assertThat(r.dataOff).isEqualTo(4096);
    assertThat(r.bat[0]).isEqualTo(2);
    assertThat(r.bat[300_000]).isEqualTo(3);
    assertThat(Arrays.stream(r.bat).filter(e -> e != 0).count()).isEqualTo(2);
    assertThat(r.guestBytes(300_000L * MIB, MIB)).isEqualTo(data);
    r.close();
  }

  @Test
  void write_descendingOffset_refused() throws IOException {
    try (ParallelsWriter w = ParallelsWriter.create(dir.resolve("d.hds"), ParallelsGeometry.of(4L * MIB))) {
      w.write(ByteBuffer.wrap(random(16, 7)), 2L * MIB);

      assertThatThrownBy(() -> w.write(ByteBuffer.wrap(random(16, 8)), 0)).isInstanceOf(IOException.class)
          .hasMessageContaining("ascend");
    }
  }

  @Test
  void write_beyondVirtualSize_refused() throws IOException {
    try (ParallelsWriter w = ParallelsWriter.create(dir.resolve("e.hds"), ParallelsGeometry.of(MIB))) {
      assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[2]), MIB - 1)).isInstanceOf(IOException.class)
          .hasMessageContaining("outside the disk");
    }
  }

  @Test
  void zeroBlockSize_isOneCluster() throws IOException {
    try (ParallelsWriter w = ParallelsWriter.create(dir.resolve("z.hds"), ParallelsGeometry.of(MIB))) {
      assertThat(w.zeroBlockSize()).isEqualTo(MIB);
    }
  }

  @Test
  void create_existingFile_refused() throws IOException {
    Path p = Files.writeString(dir.resolve("x.hds"), "keep");

    assertThatThrownBy(() -> ParallelsWriter.create(p, ParallelsGeometry.of(MIB))).isInstanceOf(IOException.class);
    assertThat(Files.readString(p)).isEqualTo("keep");
  }

  private interface Writes {
    void to(ParallelsWriter w) throws IOException;
  }

  private Path write(long size, Writes writes) throws IOException {
    Path p = dir.resolve("root-" + size + ".hds");
    try (ParallelsWriter w = ParallelsWriter.create(p, ParallelsGeometry.of(size))) {
      writes.to(w);
      w.finish();
    }
    return p;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
