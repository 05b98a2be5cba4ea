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
