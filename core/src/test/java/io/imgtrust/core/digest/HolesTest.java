package io.imgtrust.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HolesTest {
  static final int C = DigestPlan.CHUNK_SIZE;

  @TempDir Path dir;

  /** A file of {@code chunks} chunks, all holes but a few bytes in each chunk listed in {@code data}. */
  static Path sparse(Path file, int chunks, int... data) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength((long) chunks * C);
      for (int i : data) {
        f.seek((long) i * C + 4321);
        f.write(new byte[] {1, 2, 3});
      }
    }
    return file;
  }

  @Test
  void open_sparseFile_holesWhereNothingWasWrittenDataElsewhere() throws Exception {
    Path f = sparse(dir.resolve("f"), 3, 1);

    try (Holes.Opened o = Holes.open(f, false, 0)) {
      assertThat(o.holes.hole(0, C)).isTrue();
      assertThat(o.holes.hole(C, 2L * C)).isFalse();
      assertThat(o.holes.hole(2L * C, 3L * C)).isTrue();
      assertThat(o.holes.hole(C + 8192, 2L * C)).isTrue(); // past the written page
      assertThat(o.channel.size()).isEqualTo(3L * C);
    }
  }

  @Test
  void hole_pastTheSizeWhenMapped_neverAHole() throws Exception {
    Path f = sparse(dir.resolve("f"), 1);

    try (Holes.Opened o = Holes.open(f, false, 0)) {
      assertThat(o.holes.hole(0, C)).isTrue();
      assertThat(o.holes.hole(C, 2L * C)).isFalse();
      assertThat(o.holes.hole(0, C + 1)).isFalse();
    }
  }

  @Test
  void open_fileWithoutHoles_noHole() throws Exception {
    Path f = Files.write(dir.resolve("f"), new byte[C]);

    try (Holes.Opened o = Holes.open(f, false, 0)) {
      assertThat(o.holes.hole(0, C)).isFalse();
      assertThat(o.holes.hole(100, 200)).isFalse();
    }
  }

  @Test
  void open_fileBelowTheMinimumSize_readWithoutAMap() throws Exception {
    Path f = sparse(dir.resolve("f"), 2);

    try (Holes.Opened o = Holes.open(f, false)) {
      assertThat(o.holes).isSameAs(Holes.NONE);
      assertThat(o.channel.size()).isEqualTo(2L * C);
    }
  }

  @Test
  void none_saysNothingIsAHole() {
    assertThat(Holes.NONE.hole(0, 1)).isFalse();
    assertThat(Holes.NONE.hole(0, 0)).isFalse();
  }

  @Test
  void open_symlink_refusedUnlessFollowed() throws Exception {
    Path f = sparse(dir.resolve("f"), 1);
    Path link = Files.createSymbolicLink(dir.resolve("l"), f);

    assertThatThrownBy(() -> Holes.open(link, false, 0)).isInstanceOf(IOException.class);
    try (Holes.Opened o = Holes.open(link, true, 0)) {
      assertThat(o.holes.hole(0, C)).isTrue();
    }
  }

  @Test
  void open_missingFile_noSuchFile() {
    assertThatThrownBy(() -> Holes.open(dir.resolve("missing"), false))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
