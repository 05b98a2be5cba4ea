package io.imgtrust.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.metrics.WarnCounter.Check;
import io.imgtrust.core.testing.PromTextParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarnCounterTest {
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
}
