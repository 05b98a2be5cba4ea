package io.imgtrust.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedChunkHasherTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, DigestPlan.CHUNK_SIZE - 1, DigestPlan.CHUNK_SIZE, 5 * DigestPlan.CHUNK_SIZE + 3})
  void chunks_anySize_equalStreamedLeaves(int size) throws Exception {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    Path f = Files.write(dir.resolve("f"), b);

    ImageDigests mapped = MappedChunkHasher.create().chunks(f);
    ImageDigests streamed = ImageDigester.create().digest(f, DigestPlan.withChunks(Set.of()));

    assertThat(mapped.chunks()).isEqualTo(streamed.chunks());
    assertThat(mapped.bytesHashed()).isEqualTo(size);
  }

  @Test
  void chunks_sparseFile_holeLeavesEqualZeroLeaves() throws Exception {
    Path sparse = HolesTest.sparse(dir.resolve("sparse"), 3, 1);
    Path dense = Files.write(dir.resolve("dense"), Files.readAllBytes(sparse));

    ImageDigests mapped = MappedChunkHasher.create().chunks(sparse);

    assertThat(mapped.chunks()).isEqualTo(MappedChunkHasher.create().chunks(dense).chunks());
    assertThat(mapped.chunks().get(0)).isNotEqualTo(mapped.chunks().get(1));
    assertThat(mapped.bytesHashed()).isEqualTo(3L * DigestPlan.CHUNK_SIZE);
  }

  @Test
  void chunks_holePunchedIntoADataChunk_thatLeafChanges() throws Exception {
    byte[] b = new byte[3 * DigestPlan.CHUNK_SIZE];
    new Random(4).nextBytes(b);
    Path f = Files.write(dir.resolve("f"), b);
    ImageDigests before = MappedChunkHasher.create().chunks(f);

    io.imgtrust.core.testing.SparseFiles.punch(f, DigestPlan.CHUNK_SIZE, DigestPlan.CHUNK_SIZE);
    ImageDigests after = MappedChunkHasher.create().chunks(f);

    assertThat(after.chunks().get(0)).isEqualTo(before.chunks().get(0));
    assertThat(after.chunks().get(1)).isNotEqualTo(before.chunks().get(1));
    assertThat(after.chunks().get(2)).isEqualTo(before.chunks().get(2));
  }

  /** Hashes the file {@code args[0]} and prints this JVM's peak resident set (VmHWM, KiB). */
  public static void main(String[] args) throws Exception {
    MappedChunkHasher.create().chunks(Path.of(args[0]));
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmHWM:")) {
        System.out.println(l.replaceAll("[^0-9]", ""));
      }
    }
  }

  @Test
  void chunks_largeFile_peakResidentSetStaysFarBelowTheFileSize() throws Exception {
    byte[] chunk = new byte[DigestPlan.CHUNK_SIZE];
    new Random(6).nextBytes(chunk);
    Path f = dir.resolve("big");
    try (var out = Files.newOutputStream(f)) {
      for (int i = 0; i < 128; i++) {
        out.write(chunk);
      }
    }
    // A JVM whose young generation is larger than the file collects no garbage while hashing: only unmapping each
    // chunk at once keeps the mapped pages out of its resident set.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xmn2g", "-cp", System.getProperty("java.class.path"), getClass().getName(),
        f.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    assertThat(p.waitFor()).isZero();

    assertThat(Long.parseLong(out) * 1024).isLessThan(256L << 20);
  }

  @Test
  void chunks_symlink_refused() throws Exception {
    Path f = Files.write(dir.resolve("f"), new byte[10]);
    Path link = Files.createSymbolicLink(dir.resolve("l"), f);

    assertThatThrownBy(() -> MappedChunkHasher.create().chunks(link)).isInstanceOf(IOException.class);
  }

  @Test
  void chunks_interruptedCaller_cancelsWithInterruptedIo() throws Exception {
    Path f = Files.write(dir.resolve("f"), new byte[64 * DigestPlan.CHUNK_SIZE]);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> MappedChunkHasher.create().chunks(f)).isInstanceOf(IOException.class);
    } finally {
      Thread.interrupted();
    }
  }
}
