package io.imgtrust.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.metrics.WarnCounter.Check;
import io.imgtrust.core.testing.PromTextParser;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WarnCounterTest {
  private static final int NOBODY = 65534;

  @TempDir Path dir;

  private static String series(String reason, String check) {
    return WarnCounter.NAME + "{reason=\"" + reason + "\",check=\"" + check + "\"}";
  }

  /** Counts each of {@code reasons} once for {@code check}, each with a fresh counter; returns the file. */
  private Path count(Check check, Reason... reasons) {
    Path f = dir.resolve("warn.prom");
    for (Reason r : reasons) {
      WarnCounter.at(f).count(check, r);
    }
    return f;
  }

  private static PromTextParser.Parsed parse(Path file) throws Exception {
    return PromTextParser.parse(Files.readString(file));
  }

  @Test
  void count_twiceAndAnotherReason_cumulativeStrictTextWithKnownReasonsAtZero() throws Exception {
    count(Check.RECHECK, Reason.DIGEST_MISMATCH, Reason.DIGEST_MISMATCH);
    Path f = count(Check.IMPORT, Reason.SIZE_MISMATCH);

    PromTextParser.Parsed p = parse(f);
    assertThat(p.types).containsEntry(WarnCounter.NAME, "counter");
    assertThat(p.value(series("DIGEST_MISMATCH", "recheck"))).isEqualTo(2);
    assertThat(p.value(series("SIZE_MISMATCH", "import"))).isEqualTo(1);
    assertThat(p.value(series("RECORD_INVALID", "recheck"))).isZero();
    assertThat(p.value(series("DIGEST_MISMATCH", "import"))).isZero();
  }

  @Test
  void count_unusualReason_keptByLaterCounts() throws Exception {
    Path f = count(Check.RECHECK, Reason.SIGNATURE_INVALID, Reason.DIGEST_MISMATCH);

    assertThat(parse(f).value(series("SIGNATURE_INVALID", "recheck"))).isEqualTo(1);
  }

  @Test
  void count_eightThreadsAtOnce_noCountLost() throws Exception {
    Path f = dir.resolve("warn.prom");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        all.add(pool.submit(() -> WarnCounter.at(f).count(Check.RECHECK, Reason.DIGEST_MISMATCH)));
      }
      for (Future<?> x : all) {
        x.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(parse(f).value(series("DIGEST_MISMATCH", "recheck"))).isEqualTo(40);
  }

  @Test
  void count_directoryMissing_neitherThrowsNorCreatesIt() {
    Path f = dir.resolve("missing/warn.prom");

    WarnCounter.at(f).count(Check.RECHECK, Reason.DIGEST_MISMATCH);

    assertThat(Files.exists(f.getParent())).isFalse();
  }

  @Test
  void fromConfig_metricsFileSet_countsBesideItUnderItsName() throws Exception {
    Path metrics = dir.resolve("imgtrust.prom");
    ImgtrustConfig c = ImgtrustConfig.defaults().with(Key.METRICS_FILE, metrics.toString());

    WarnCounter.fromConfig(c).count(Check.IMPORT, Reason.DIGEST_MISMATCH);

    assertThat(WarnCounter.fileFor(metrics)).isEqualTo(dir.resolve("imgtrust-warn.prom"));
    assertThat(parse(dir.resolve("imgtrust-warn.prom")).value(series("DIGEST_MISMATCH", "import"))).isEqualTo(1);
    assertThat(metrics).doesNotExist();
    assertThat(WarnCounter.fileFor(dir.resolve("metrics.txt"))).isEqualTo(dir.resolve("metrics.txt-warn.prom"));
  }

  @Test
  void fromConfig_noMetricsFile_countsNothing() throws Exception {
    WarnCounter c = WarnCounter.fromConfig(ImgtrustConfig.defaults());

    c.count(Check.RECHECK, Reason.DIGEST_MISMATCH);

    assertThat(c.file()).isEmpty();
    try (var s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }
  }

  /** Plants {@code what} at {@code at}: a FIFO, or a symbolic link to /dev/zero or to a file that must not change. */
  private static void plant(String what, Path at) throws Exception {
    switch (what) {
      case "fifo":
        Process p = new ProcessBuilder("mkfifo", at.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        break;
      case "devzero":
        Files.createSymbolicLink(at, Path.of("/dev/zero"));
        break;
      default:
        Files.createSymbolicLink(at, Files.writeString(at.resolveSibling("../victim"), "VICTIM\n"));
    }
  }

  /** Counts once in {@code metrics}' directory; must return promptly (a FIFO would block an open forever). */
  private static void countPromptly(Path counterFile) {
    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> WarnCounter.at(counterFile).count(Check.RECHECK, Reason.DIGEST_MISMATCH));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fifo", "devzero", "victim"})
  void count_directoryOwnedByAnotherUser_skippedPromptlyNothingFollowed(String planted) throws Exception {
    Path d = Files.createDirectories(dir.resolve("metrics"));
    Files.setAttribute(d, "unix:uid", NOBODY);
    Path f = d.resolve("warn.prom");
    plant(planted, f);

    countPromptly(f);

    assertThat(Files.isSymbolicLink(f) || Files.exists(f)).as("the planted file stays").isTrue();
    if (planted.equals("victim")) {
      assertThat(Files.readString(dir.resolve("victim"))).isEqualTo("VICTIM\n");
    }
    assertThat(d.resolve(".warn.prom.lock")).as("nothing created in the unsafe directory").doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"warn.prom", ".warn.prom.lock"})
  void count_fifoAsCounterOrLockFileInSafeDirectory_skippedPromptly(String name) throws Exception {
    Path f = dir.resolve("warn.prom");
    plant("fifo", dir.resolve(name));

    countPromptly(f);

    assertThat(dir.resolve(name)).as("the FIFO is left as it is").exists();
    assertThat(Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"devzero", "victim"})
  void count_symlinkAsCounterFileInSafeDirectory_notFollowed(String planted) throws Exception {
    Path d = Files.createDirectories(dir.resolve("metrics"));
    Path f = d.resolve("warn.prom");
    plant(planted, f);

    countPromptly(f);

    assertThat(Files.isSymbolicLink(f)).as("the link is neither followed nor replaced").isTrue();
    if (planted.equals("victim")) {
      assertThat(Files.readString(dir.resolve("victim"))).isEqualTo("VICTIM\n");
    }
  }

  @Test
  void count_counterFileOverOneMiB_skippedFileUnchanged() throws Exception {
    Path f = dir.resolve("warn.prom");
    byte[] big = new byte[(1 << 20) + 1];
    Arrays.fill(big, (byte) '#');
    Files.write(f, big);

    countPromptly(f);

    assertThat(Files.size(f)).isEqualTo(big.length);
  }
}
