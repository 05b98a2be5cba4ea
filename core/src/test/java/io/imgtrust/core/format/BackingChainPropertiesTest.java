package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties of {@link BackingChain#read} over random chains ({@link RandomChain}), one dynamic test per try.
 *
 * <p>Generation is seeded and reproducible: each try's name shows its seed; {@code -Dimgtrust.chain.seed=S} runs a
 * single try with seed S, {@code -Dimgtrust.chain.tries=N} changes the number of tries (default 400).
 */
class BackingChainPropertiesTest {
  private static final Set<Reason> DOCUMENTED =
      EnumSet.of(Reason.UNSAFE_IMAGE, Reason.UNTRUSTED_BACKING_FILE, Reason.FILE_UNREADABLE);
  private static final Duration TIME_BOUND = Duration.ofSeconds(10);
  private static final int TRIES = Integer.getInteger("imgtrust.chain.tries", 400);
  private static final long BASE_SEED = 0x1a2b3c4d5e6fL;

  @TempDir Path tmp;

  private Stream<DynamicTest> tries(String property, SeededTry body) {
    Long fixed = Long.getLong("imgtrust.chain.seed");
    Stream<Long> seeds = fixed != null
        ? Stream.of(fixed)
        : IntStream.range(0, TRIES).mapToObj(i -> BASE_SEED * 31 + i * 0x9E3779B97F4A7C15L);
    return seeds.map(seed -> DynamicTest.dynamicTest(property + " seed=" + seed, () -> {
      Path root = Files.createTempDirectory(tmp, "try");
      try {
        body.run(new Random(seed), new ChainFixture(root), seed);
      } finally {
        MoreFiles.deleteRecursively(root, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }));
  }

  @FunctionalInterface
  private interface SeededTry {
    void run(Random random, ChainFixture fx, long seed) throws Exception;
  }

  @TestFactory
  Stream<DynamicTest> read_validRandomChain_returnsItExactly() {
    return tries("valid chain", (r, fx, seed) -> {
      RandomChain chain = RandomChain.write(fx, r);
      BackingChain read = chain.read();
      assertThat(read.links()).as("seed %s", seed).containsExactlyElementsOf(chain.expected);
    });
  }

  @TestFactory
  Stream<DynamicTest> read_mutatedOrTruncatedHeader_chainOrDocumentedRefusal() {
    return tries("mutated chain", (r, fx, seed) -> {
      RandomChain chain = RandomChain.write(fx, r);
      Path victim = chain.files.get(r.nextInt(chain.files.size()));
      String mutation = mutate(victim, r);
      assertTimeoutPreemptively(TIME_BOUND, () -> {
        try {
          BackingChain read = chain.read();
          for (BackingChain.Link link : read.backingFiles()) {
            assertThat(link.path()).as("seed %s, %s", seed, mutation).startsWith(fx.cache);
          }
          assertThat(read.links().size()).isLessThanOrEqualTo(BackingChain.DEFAULT_MAX_DEPTH + 1);
        } catch (ImageTrustException e) {
          assertThat(e.reason()).as("seed %s, %s: %s", seed, mutation, e.getMessage()).isIn(DOCUMENTED);
          assertThat(e.getMessage()).isNotBlank();
        } catch (RuntimeException | Error e) {
          fail("seed " + seed + ", " + mutation + ": " + e, e);
        }
      }, () -> "seed " + seed + ", " + mutation + ": read() took longer than " + TIME_BOUND);
    });
  }

  /** Overwrites 1..8 bytes (mostly header, extensions or backing name) or truncates; returns what it did. */
  private static String mutate(Path file, Random r) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0 || r.nextInt(10) < 3) {
      int length = bytes.length == 0 ? 0 : r.nextInt(Math.min(bytes.length, 3072) + 1);
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(length);
      }
      return "truncated " + file.getFileName() + " to " + length;
    }
    StringBuilder what = new StringBuilder("changed " + file.getFileName() + " at");
    int count = 1 + r.nextInt(8);
    for (int i = 0; i < count; i++) {
      int offset = offset(bytes.length, r);
      bytes[offset] = (byte) r.nextInt(256);
      what.append(' ').append(offset);
    }
    Files.write(file, bytes);
    return what.toString();
  }

  private static int offset(int length, Random r) {
    int area = r.nextInt(10);
    if (area < 5) {
      return r.nextInt(Math.min(length, 144));
    } else if (area < 8 && length > 2048) {
      return 2048 + r.nextInt(Math.min(length - 2048, 256));
    }
    return r.nextInt(length);
  }
}
