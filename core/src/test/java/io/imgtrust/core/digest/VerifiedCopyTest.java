package io.imgtrust.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.SparseFiles;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verified copy over files with holes: holes are not read, and reach the sink as zeros only where it needs them. */
class VerifiedCopyTest {
  private static final int C = DigestPlan.CHUNK_SIZE;

  @TempDir Path dir;

  /** A sink that records every write as "offset+length" and whether its bytes were all zero. */
  private static final class RecordingSink implements ImageSink {
    final List<String> writes = new ArrayList<>();
    final int block;

    RecordingSink(int block) {
      this.block = block;
    }

    @Override
    public void write(ByteBuffer data, long offset) {
      boolean zero = data.mismatch(ByteBuffer.allocate(data.remaining())) == -1;
      writes.add(offset + "+" + data.remaining() + (zero ? " zeros" : " data"));
      data.position(data.limit());
    }

    @Override
    public int zeroBlockSize() {
      return block;
    }
  }

  private static ImmutableList<com.google.common.hash.HashCode> leaves(Path f) throws Exception {
    return ImageDigester.create().digest(f, DigestPlan.withChunks(Set.of())).chunks();
  }

  @Test
  void into_holeChunks_notWrittenToASparseSink() throws Exception {
    Path f = HolesTest.sparse(dir.resolve("f"), 3, 1);
    RecordingSink sink = new RecordingSink(64 * 1024);

    CopyReport r = VerifiedCopy.of(f, leaves(f), 3L * C).into(sink);

    assertThat(sink.writes).containsExactly(C + "+" + 64 * 1024 + " data");
    assertThat(r.bytesWritten()).isEqualTo(64 * 1024);
  }

  @Test
  void into_holeChunks_writtenAsZerosToASinkThatHoldsOldData() throws Exception {
    Path f = HolesTest.sparse(dir.resolve("f"), 3, 1);
    RecordingSink sink = new RecordingSink(0);

    VerifiedCopy.of(f, leaves(f), 3L * C).into(sink);

    assertThat(sink.writes).containsExactly("0+" + C + " zeros", C + "+" + C + " data", 2L * C + "+" + C + " zeros");
  }

  @Test
  void into_dataPlantedInAChunkRecordedAsZeros_digestMismatchNamesIt() throws Exception {
    Path f = HolesTest.sparse(dir.resolve("f"), 3, 1);
    ImmutableList<com.google.common.hash.HashCode> record = leaves(f);
    HolesTest.sparse(f, 3, 2);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> VerifiedCopy.of(f, record, 3L * C).into(new RecordingSink(64 * 1024)));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 2L);
  }

  @Test
  void into_holePunchedIntoADataChunk_digestMismatchNamesIt() throws Exception {
    byte[] b = new byte[3 * C];
    new Random(5).nextBytes(b);
    Path f = Files.write(dir.resolve("f"), b);
    ImmutableList<com.google.common.hash.HashCode> record = leaves(f);
    SparseFiles.punch(f, C, C);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> VerifiedCopy.of(f, record, 3L * C).into(new RecordingSink(64 * 1024)));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 1L);
  }
}
