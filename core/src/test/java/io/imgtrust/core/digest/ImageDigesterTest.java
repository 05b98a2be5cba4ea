package io.imgtrust.core.digest;

import static io.imgtrust.core.digest.DigestPlan.CHUNK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.common.collect.ImmutableList;
import com.google.common.hash.HashCode;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDigesterTest {
  private static final Duration HANG_GUARD = Duration.ofMinutes(2);
  private static final Set<HashAlgorithm> ALL = EnumSet.allOf(HashAlgorithm.class);

  @TempDir Path dir;

  // ---------------------------------------------------------------------------------------------- helpers

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] reference(HashAlgorithm a, byte[] data, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance(jdkName(a));
    md.update(data, from, to - from);
    return md.digest();
  }

  private static byte[] reference(HashAlgorithm a, byte[] data) throws Exception {
    return reference(a, data, 0, data.length);
  }

  private static String jdkName(HashAlgorithm a) {
    switch (a) {
      case MD5: return "MD5";
      case SHA224: return "SHA-224";
      case SHA256: return "SHA-256";
      case SHA384: return "SHA-384";
      case SHA512: return "SHA-512";
      default: throw new AssertionError(a);
    }
  }

  /** Expected chunk leaves, computed independently of the code under test. */
  private static List<byte[]> referenceLeaves(byte[] data) throws Exception {
    List<byte[]> leaves = new ArrayList<>();
    for (int off = 0; off < data.length; off += CHUNK_SIZE) {
      leaves.add(reference(HashAlgorithm.SHA256, data, off, Math.min(data.length, off + CHUNK_SIZE)));
    }
    return leaves;
  }

  private static void assertAllCorrect(ImageDigests d, byte[] data, Set<HashAlgorithm> whole, boolean chunks)
      throws Exception {
    assertThat(d.bytesHashed()).isEqualTo(data.length);
    for (HashAlgorithm a : HashAlgorithm.values()) {
      if (whole.contains(a)) {
        assertThat(d.whole(a)).as(a.name()).hasValueSatisfying(
            h -> assertThat(h.asBytes()).isEqualTo(uncheckedReference(a, data)));
      } else {
        assertThat(d.whole(a)).as(a.name()).isEmpty();
      }
    }
    if (!chunks) {
      assertThat(d.chunks()).isEmpty();
      return;
    }
    List<byte[]> leaves = referenceLeaves(data);
    assertThat(d.chunks()).hasSize((data.length + CHUNK_SIZE - 1) / CHUNK_SIZE).hasSize(leaves.size());
    MessageDigest list = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < leaves.size(); i++) {
      assertThat(d.chunks().get(i).asBytes()).as("leaf %d", i).isEqualTo(leaves.get(i));
      list.update(leaves.get(i));
    }
    assertThat(d.chunkListDigest().asBytes()).isEqualTo(list.digest());
  }

  private static byte[] uncheckedReference(HashAlgorithm a, byte[] data) {
    try {
      return reference(a, data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Path file(byte[] data) throws IOException {
    Path f = Files.createTempFile(dir, "image", ".raw");
    Files.write(f, data);
    return f;
  }

  /** A channel that returns at most {@code max} bytes per read (between 1 and max, pseudo-random). */
  private static final class ShortReadChannel implements ReadableByteChannel {
    private final byte[] data;
    private final Random rnd;
    private final int max;
    private int pos;
    private boolean open = true;

    ShortReadChannel(byte[] data, int max, long seed) {
      this.data = data;
      this.max = max;
      this.rnd = new Random(seed);
    }

    @Override
    public int read(ByteBuffer dst) {
      if (pos == data.length) {
        return -1;
      }
      int n = Math.min(Math.min(dst.remaining(), data.length - pos), 1 + rnd.nextInt(max));
      dst.put(data, pos, n);
      pos += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /** A channel that yields {@code good} bytes of {@code data}, then throws {@code failure}. */
  private static final class FailingChannel implements ReadableByteChannel {
    private final byte[] data;
    private final int good;
    private final IOException failure;
    private int pos;

    FailingChannel(byte[] data, int good, IOException failure) {
      this.data = data;
      this.good = good;
      this.failure = failure;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (pos >= good) {
        throw failure;
      }
      int n = Math.min(dst.remaining(), good - pos);
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
  }

  // ---------------------------------------------------------------------------------------------- known answers

  @ParameterizedTest
  @CsvSource({
    "MD5,    abc, 900150983cd24fb0d6963f7d28e17f72",
    "MD5,    '',  d41d8cd98f00b204e9800998ecf8427e",
    "SHA224, abc, 23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
    "SHA224, '',  d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
    "SHA256, abc, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "SHA256, '',  e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "SHA384, abc, cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    "SHA384, '',  38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
    "SHA512, abc, ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    "SHA512, '',  cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
  })
  void digest_knownAnswerVectors_matchFips180AndRfc1321(HashAlgorithm a, String input, String hex)
      throws Exception {
    byte[] data = input.getBytes(StandardCharsets.US_ASCII);
    ImageDigests viaChannel = ImageDigester.withChunkLanes(1)
        .digest(Channels.newChannel(new ByteArrayInputStream(data)), DigestPlan.withChunks(ALL));
    ImageDigests viaFile = ImageDigester.create().digest(file(data), DigestPlan.of(Set.of(a)));

    assertThat(viaChannel.whole(a)).contains(HashCode.fromString(hex));
    assertThat(viaFile.whole(a)).contains(HashCode.fromString(hex));
    assertThat(viaChannel.bytesHashed()).isEqualTo(data.length);
  }

  @Test
  void digest_abc_singleChunkLeafIsSha256OfAbc() throws Exception {
    ImageDigests d = ImageDigester.create().digest(
        Channels.newChannel(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII))),
        DigestPlan.withChunks(Set.of()));

    assertThat(d.chunks()).containsExactly(
        HashCode.fromString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    assertThat(d.chunkListDigest().asBytes()).isEqualTo(reference(HashAlgorithm.SHA256,
        HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")));
  }

  // ---------------------------------------------------------------------------------------------- sizes x lanes x source

  static Stream<Arguments> sizesLanesSources() {
    int[] sizes = {0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 12345};
    List<Arguments> out = new ArrayList<>();
    for (int size : sizes) {
      for (int lanes : new int[] {1, 3}) {
        for (boolean viaPath : new boolean[] {true, false}) {
          out.add(Arguments.of(size, lanes, viaPath));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "size={0} lanes={1} viaPath={2}")
  @MethodSource("sizesLanesSources")
  void digest_randomBytesOfSize_everyDigestMatchesReference(int size, int lanes, boolean viaPath)
      throws Exception {
    byte[] data = random(size, size * 31L + lanes);
    ImageDigester digester = ImageDigester.withChunkLanes(lanes);
    DigestPlan plan = DigestPlan.withChunks(ALL);

    ImageDigests d = viaPath
        ? digester.digest(file(data), plan)
        : digester.digest(Channels.newChannel(new ByteArrayInputStream(data)), plan);

    assertAllCorrect(d, data, ALL, true);
  }

  @Test
  void digest_emptyInput_noChunksAndChunkListDigestOfNothing() throws Exception {
    ImageDigests d = ImageDigester.create().digest(file(new byte[0]), DigestPlan.withChunks(ALL));

    assertThat(d.chunks()).isEmpty();
    assertThat(d.bytesHashed()).isZero();
    assertThat(d.chunkListDigest())
        .isEqualTo(HashCode.fromString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  }

  @Test
  void digest_flippedByte_changesWholeDigestAndOnlyThatChunk() throws Exception {
    byte[] data = random(2 * CHUNK_SIZE + 100, 7);
    byte[] flipped = data.clone();
    flipped[CHUNK_SIZE + 5] ^= 0x01;
    ImageDigester digester = ImageDigester.withChunkLanes(3);
    DigestPlan plan = DigestPlan.withChunks(Set.of(HashAlgorithm.SHA512));

    ImageDigests a = digester.digest(file(data), plan);
    ImageDigests b = digester.digest(file(flipped), plan);

    assertThat(a.whole(HashAlgorithm.SHA512)).isNotEqualTo(b.whole(HashAlgorithm.SHA512));
    assertThat(a.chunks().get(0)).isEqualTo(b.chunks().get(0));
    assertThat(a.chunks().get(1)).isNotEqualTo(b.chunks().get(1));
    assertThat(a.chunks().get(2)).isEqualTo(b.chunks().get(2));
    assertThat(a.chunkListDigest()).isNotEqualTo(b.chunkListDigest());
  }

  @Test
  void digest_truncatedInput_differentDigestsAndByteCount() throws Exception {
    byte[] data = random(CHUNK_SIZE + 10, 8);
    byte[] truncated = java.util.Arrays.copyOf(data, data.length - 1);
    DigestPlan plan = DigestPlan.withChunks(Set.of(HashAlgorithm.SHA256));

    ImageDigests a = ImageDigester.create().digest(file(data), plan);
    ImageDigests b = ImageDigester.create().digest(file(truncated), plan);

    assertThat(b.bytesHashed()).isEqualTo(a.bytesHashed() - 1);
    assertThat(a.whole(HashAlgorithm.SHA256)).isNotEqualTo(b.whole(HashAlgorithm.SHA256));
    assertThat(a.chunks().get(0)).isEqualTo(b.chunks().get(0));
    assertThat(a.chunks().get(1)).isNotEqualTo(b.chunks().get(1));
  }

  // ---------------------------------------------------------------------------------------------- plan contents

  @ParameterizedTest
  @EnumSource(HashAlgorithm.class)
  void digest_planWithOneAlgorithm_onlyThatWholeDigest(HashAlgorithm a) throws Exception {
    byte[] data = random(CHUNK_SIZE + 3, 11);

    ImageDigests d = ImageDigester.withChunkLanes(2).digest(file(data), DigestPlan.of(Set.of(a)));

    assertAllCorrect(d, data, Set.of(a), false);
  }

  @Test
  void digest_planWithoutMd5_md5Absent() throws Exception {
    byte[] data = random(1000, 12);
    Set<HashAlgorithm> asked = EnumSet.of(HashAlgorithm.SHA512, HashAlgorithm.SHA256);

    ImageDigests d = ImageDigester.create().digest(file(data), DigestPlan.withChunks(asked));

    assertThat(d.whole(HashAlgorithm.MD5)).isEmpty();
    assertAllCorrect(d, data, asked, true);
  }

  @Test
  void digest_chunksOnly_noWholeDigests() throws Exception {
    byte[] data = random(CHUNK_SIZE * 2, 13);

    ImageDigests d = ImageDigester.withChunkLanes(3).digest(file(data), DigestPlan.withChunks(Set.of()));

    assertAllCorrect(d, data, Set.of(), true);
  }

  @Test
  void digest_emptyPlan_readsEverythingComputesNothing() throws Exception {
    byte[] data = random(CHUNK_SIZE + 17, 14);
    DigestPlan plan = DigestPlan.of(Set.of());
    assertThat(plan.isEmpty()).isTrue();

    ImageDigests d = ImageDigester.create().digest(file(data), plan);

    assertAllCorrect(d, data, Set.of(), false);
  }

  @Test
  void plan_plus_addsAlgorithmKeepsChunksAndOriginal() {
    DigestPlan p = DigestPlan.withChunks(Set.of(HashAlgorithm.SHA256));
    DigestPlan q = p.plus(HashAlgorithm.MD5).plus(HashAlgorithm.SHA256);

    assertThat(q.whole()).containsExactlyInAnyOrder(HashAlgorithm.SHA256, HashAlgorithm.MD5);
    assertThat(q.chunks()).isTrue();
    assertThat(p.whole()).containsExactly(HashAlgorithm.SHA256);
    assertThat(DigestPlan.of(Set.of()).plus(HashAlgorithm.SHA512).chunks()).isFalse();
  }

  @Test
  void plan_isEmpty_onlyWithoutWholeAndChunks() {
    assertThat(DigestPlan.of(Set.of()).isEmpty()).isTrue();
    assertThat(DigestPlan.withChunks(Set.of()).isEmpty()).isFalse();
    assertThat(DigestPlan.of(Set.of(HashAlgorithm.MD5)).isEmpty()).isFalse();
  }

  @Test
  void plan_chunkSize_isFourMebibytes() {
    assertThat(CHUNK_SIZE).isEqualTo(4 * 1024 * 1024);
  }

  @Test
  void chunkListDigest_static_isSha256OverConcatenatedLeaves() throws Exception {
    HashCode a = HashCode.fromBytes(reference(HashAlgorithm.SHA256, new byte[] {1}));
    HashCode b = HashCode.fromBytes(reference(HashAlgorithm.SHA256, new byte[] {2}));
    byte[] concat = new byte[64];
    System.arraycopy(a.asBytes(), 0, concat, 0, 32);
    System.arraycopy(b.asBytes(), 0, concat, 32, 32);

    assertThat(ImageDigests.chunkListDigest(ImmutableList.of(a, b)).asBytes())
        .isEqualTo(reference(HashAlgorithm.SHA256, concat));
    assertThat(ImageDigests.chunkListDigest(ImmutableList.of(b, a)))
        .isNotEqualTo(ImageDigests.chunkListDigest(ImmutableList.of(a, b)));
  }

  // ---------------------------------------------------------------------------------------------- channels

  @ParameterizedTest
  @CsvSource({"1, 1", "1, 3", "3, 1"})
  void digest_oneByteReads_correctDigestsAndChunks(int maxRead, int lanes) throws Exception {
    byte[] data = random(5000, 21);

    ImageDigests d = ImageDigester.withChunkLanes(lanes)
        .digest(new ShortReadChannel(data, maxRead, 1), DigestPlan.withChunks(ALL));

    assertAllCorrect(d, data, ALL, true);
  }

  @ParameterizedTest
  @CsvSource({"65536, 1", "65536, 3", "1000003, 2"})
  void digest_randomShortReads_chunksStayAligned(int maxRead, int lanes) throws Exception {
    byte[] data = random(2 * CHUNK_SIZE + 4097, 22 + maxRead);

    ImageDigests d = ImageDigester.withChunkLanes(lanes)
        .digest(new ShortReadChannel(data, maxRead, maxRead), DigestPlan.withChunks(ALL));

    assertAllCorrect(d, data, ALL, true);
  }

  @Test
  void digest_channel_notClosed() throws Exception {
    ShortReadChannel ch = new ShortReadChannel(random(10, 1), 4, 1);

    ImageDigester.create().digest(ch, DigestPlan.of(ALL));

    assertThat(ch.isOpen()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "100, 3", "4194304, 1", "4194305, 3", "9000000, 2"})
  void digest_channelFailsAfterSomeBytes_throwsThatIoException(int good, int lanes) {
    byte[] data = random(3 * CHUNK_SIZE, 31);
    IOException boom = new IOException("disk on fire");

    assertTimeoutPreemptively(HANG_GUARD, () ->
        assertThatThrownBy(() -> ImageDigester.withChunkLanes(lanes)
            .digest(new FailingChannel(data, good, boom), DigestPlan.withChunks(ALL)))
            .isSameAs(boom));
  }

  @Test
  void digest_channelThrowsUnchecked_rethrown() {
    IllegalStateException boom = new IllegalStateException("bug");
    ReadableByteChannel ch = new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) {
        throw boom;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };

    assertTimeoutPreemptively(HANG_GUARD, () ->
        assertThatThrownBy(() -> ImageDigester.create().digest(ch, DigestPlan.withChunks(ALL))).isSameAs(boom));
  }

  @Test
  void digest_callerInterrupted_throwsIoExceptionAndKeepsInterruptStatus() {
    byte[] data = random(CHUNK_SIZE, 32);
    boolean stillInterrupted;
    Throwable thrown;
    Thread.currentThread().interrupt();
    try {
      thrown = org.assertj.core.api.Assertions.catchThrowable(() -> ImageDigester.withChunkLanes(1)
          .digest(Channels.newChannel(new ByteArrayInputStream(data)), DigestPlan.withChunks(ALL)));
    } finally {
      stillInterrupted = Thread.interrupted();
    }

    assertThat(thrown).isInstanceOf(IOException.class);
    assertThat(stillInterrupted).as("interrupt status kept for the caller").isTrue();
  }

  // ---------------------------------------------------------------------------------------------- files

  @Test
  void digest_symlink_ioException() throws Exception {
    Path target = file(random(100, 41));
    Path link = dir.resolve("link.raw");
    Files.createSymbolicLink(link, target);

    assertThatThrownBy(() -> ImageDigester.create().digest(link, DigestPlan.of(ALL)))
        .isInstanceOf(IOException.class);
    assertThat(ImageDigester.create().digest(target, DigestPlan.of(ALL)).bytesHashed()).isEqualTo(100);
  }

  @Test
  void digest_missingFile_ioException() {
    assertThatThrownBy(() -> ImageDigester.create().digest(dir.resolve("absent"), DigestPlan.of(ALL)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void withChunkLanes_zero_rejected() {
    assertThatThrownBy(() -> ImageDigester.withChunkLanes(0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------------------------------------- concurrency

  @Test
  void digest_fiftyConcurrentCallsOnOneDigester_allCorrect() throws Exception {
    int n = 50;
    List<byte[]> inputs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] data = random((i % 5 == 0) ? CHUNK_SIZE + i * 1013 : i * 7919, 1000 + i);
      inputs.add(data);
      files.add(file(data));
    }
    ImageDigester digester = ImageDigester.withChunkLanes(2);
    DigestPlan plan = DigestPlan.withChunks(EnumSet.of(HashAlgorithm.SHA256, HashAlgorithm.SHA512));
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ImageDigests>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Path f = files.get(i);
        byte[] data = inputs.get(i);
        boolean viaChannel = i % 2 == 1;
        results.add(pool.submit(() -> {
          start.await();
          return viaChannel
              ? digester.digest(new ShortReadChannel(data, 100_000, data.length), plan)
              : digester.digest(f, plan);
        }));
      }
      start.countDown();
      assertTimeoutPreemptively(HANG_GUARD, () -> {
        for (int i = 0; i < n; i++) {
          assertAllCorrect(results.get(i).get(), inputs.get(i), plan.whole(), true);
        }
      });
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void digest_fileWithHoles_sameDigestsAsTheSameBytesWithoutHoles() throws Exception {
    Path sparse = HolesTest.sparse(dir.resolve("sparse"), 3, 1);
    Path dense = Files.write(dir.resolve("dense"), Files.readAllBytes(sparse));
    DigestPlan plan = DigestPlan.withChunks(Set.of(HashAlgorithm.SHA256, HashAlgorithm.SHA512));

    ImageDigests got = ImageDigester.create().digest(sparse, plan);
    ImageDigests want = ImageDigester.create().digest(dense, plan);

    assertThat(got.chunks()).isEqualTo(want.chunks());
    assertThat(got.whole(HashAlgorithm.SHA512)).isEqualTo(want.whole(HashAlgorithm.SHA512));
    assertThat(got.bytesHashed()).isEqualTo(3L * CHUNK_SIZE);
  }

  @Test
  void digestInto_zeroBlocksAndHoles_leftOutOfTheSinkDataWritten() throws Exception {
    Path sparse = HolesTest.sparse(dir.resolve("sparse"), 3, 1);
    Path dense = Files.write(dir.resolve("dense"), Files.readAllBytes(sparse));
    List<Long> offsets = new ArrayList<>();
    ImageSink sink = (data, offset) -> {
      offsets.add(offset);
      data.position(data.limit());
    };

    ImageDigests d = ImageDigester.create().digestInto(dense, DigestPlan.withChunks(Set.of()), sink,
        CopyProgress.NONE, 3L * CHUNK_SIZE);
    ImageDigester.create().digestInto(sparse, DigestPlan.withChunks(Set.of()), sink, CopyProgress.NONE,
        3L * CHUNK_SIZE);

    assertThat(offsets).containsExactly((long) CHUNK_SIZE, (long) CHUNK_SIZE);
    assertThat(d.bytesHashed()).isEqualTo(3L * CHUNK_SIZE);
  }
}
