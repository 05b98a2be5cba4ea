package io.imgtrust.core.digest;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.metadata.HashAlgorithm;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ZeroChunksTest {
  private static byte[] sha256(byte[] b) {
    return HashAlgorithm.SHA256.newDigest().digest(b);
  }

  @Test
  void leaf_fullZeroChunk_equalsItsRealDigestAndConsumesTheBuffer() {
    ByteBuffer zero = ByteBuffer.allocateDirect(DigestPlan.CHUNK_SIZE);

    byte[] leaf = ZeroChunks.leaf(zero, HashAlgorithm.SHA256.newDigest());

    assertThat(leaf).isEqualTo(sha256(new byte[DigestPlan.CHUNK_SIZE]));
    assertThat(zero.hasRemaining()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4095, 4096, DigestPlan.CHUNK_SIZE / 2, DigestPlan.CHUNK_SIZE - 1})
  void leaf_oneNonZeroByteAnywhere_isHashedForReal(int at) {
    byte[] b = new byte[DigestPlan.CHUNK_SIZE];
    b[at] = 1;

    byte[] leaf = ZeroChunks.leaf(ByteBuffer.wrap(b), HashAlgorithm.SHA256.newDigest());

    assertThat(leaf).isEqualTo(sha256(b)).isNotEqualTo(sha256(new byte[DigestPlan.CHUNK_SIZE]));
  }

  @Test
  void leaf_shortZeroChunk_hashedForReal() {
    byte[] b = new byte[1000];

    assertThat(ZeroChunks.leaf(ByteBuffer.wrap(b), HashAlgorithm.SHA256.newDigest())).isEqualTo(sha256(b));
  }

  @Test
  void leaf_digestReusedAfterShortcut_stillCorrect() {
    var md = HashAlgorithm.SHA256.newDigest();
    ZeroChunks.leaf(ByteBuffer.allocate(DigestPlan.CHUNK_SIZE), md);
    byte[] data = {1, 2, 3};

    assertThat(ZeroChunks.leaf(ByteBuffer.wrap(data), md)).isEqualTo(sha256(data));
  }
}
