package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.testing.CacheFixture;
import io.imgtrust.core.testing.PromTextParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrubberTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05.250Z"), ZoneOffset.UTC);
  private static final Map<String, Integer> SIZES =
      Map.of("good-1", DigestPlan.CHUNK_SIZE + 17, "rotten-1", 2 * DigestPlan.CHUNK_SIZE, "good-2", 1000);

  @TempDir Path root;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Long> sleeps = new ArrayList<>();
  private final ScrubThrottle.Sleeper sleeper = n -> {
    sleeps.add(n);
    now.addAndGet(n);
  };

  private CacheFixture fill(String extraConfig) throws Exception {
    CacheFixture fx = CacheFixture.create(root, extraConfig);
    long seed = 1;
    for (Map.Entry<String, Integer> e : SIZES.entrySet()) {
      fx.add(e.getKey(), CacheFixture.randomImage(e.getValue(), seed++));
    }
    return fx;
  }

  private Scrubber scrubber(CacheFixture fx, long bytesPerSecond) {
    return Scrubber.create(fx.cache, bytesPerSecond, CLOCK, now::get, sleeper);
  }

  @Test
  void run_oneRottedEntry_reportsDigestMismatchQuarantinesItAndVerifiesTheOthers() throws Exception {
    CacheFixture fx = fill("");
    CacheFixture.rot(fx.cache.fileOf("rotten-1"), DigestPlan.CHUNK_SIZE + 5);

    ScrubReport r = scrubber(fx, 0).run(ScrubListener.NONE);

    assertThat(r.entriesChecked()).isEqualTo(3);
    assertThat(r.ok()).isFalse();
    assertThat(r.failures()).singleElement().satisfies(f -> {
      assertThat(f.imageId()).isEqualTo("rotten-1");
      assertThat(f.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
      assertThat(f.message()).contains("chunk 1");
      assertThat(f.quarantined()).isTrue();
    });
    assertThat(r.failuresByReason()).containsExactly(Map.entry(Reason.DIGEST_MISMATCH, 1));
    assertThat(r.bytesVerified()).isEqualTo(SIZES.get("good-1") + SIZES.get("good-2"));
    assertThat(r.bytesHashed()).isEqualTo(SIZES.values().stream().mapToLong(Integer::longValue).sum());
    assertThat(r.entriesByState()).containsEntry(EntryStatus.State.VERIFIED, 2)
        .containsEntry(EntryStatus.State.QUARANTINED, 1).containsEntry(EntryStatus.State.MISSING, 0)
        .containsEntry(EntryStatus.State.RECORD_INVALID, 0);
    assertThat(Files.exists(fx.cache.fileOf("rotten-1"))).isFalse();
    assertThat(fx.cache.quarantined()).hasSize(1);
    assertThat(fx.cache.find("good-1")).isPresent();
    assertThat(fx.cache.find("good-2")).isPresent();
    assertThat(r.duration()).isZero();
  }

  @Test
  void run_warnMode_failureReportedButEntryStays() throws Exception {
    CacheFixture fx = fill("[verification]\nmode = warn");
    CacheFixture.rot(fx.cache.fileOf("rotten-1"), 3);

    ScrubReport r = scrubber(fx, 0).run(ScrubListener.NONE);

    assertThat(r.failures()).singleElement().satisfies(f -> {
      assertThat(f.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
      assertThat(f.quarantined()).isFalse();
    });
    assertThat(Files.exists(fx.cache.fileOf("rotten-1"))).isTrue();
    assertThat(fx.cache.quarantined()).isEmpty();
    // The simulated rot changes the file's ctime (real bit rot would not), so the file is listed as CHANGED.
    assertThat(r.entriesByState()).containsEntry(EntryStatus.State.VERIFIED, 2)
        .containsEntry(EntryStatus.State.CHANGED, 1);
  }

  @Test
  void run_allIntact_okAndListenerReachesTotal() throws Exception {
    CacheFixture fx = fill("");
    List<Long> done = new ArrayList<>();
    List<Long> totals = new ArrayList<>();

    ScrubReport r = scrubber(fx, 0).run((id, d, t) -> {
      done.add(d);
      totals.add(t);
    });

    assertThat(r.ok()).isTrue();
    assertThat(r.failures()).isEmpty();
    long total = SIZES.values().stream().mapToLong(Integer::longValue).sum();
    assertThat(r.bytesVerified()).isEqualTo(total);
    assertThat(done).hasSize(3).isSorted().last().isEqualTo(total);
    assertThat(totals).containsOnly(total);
  }

  @Test
  void run_rateLimited_sleepsBetweenEntriesForTheBytesBeforeTheLast() throws Exception {
    CacheFixture fx = fill("");
    long rate = 1 << 20;
    List<String> order = new ArrayList<>();

    scrubber(fx, rate).run((id, d, t) -> order.add(id));

    assertThat(sleeps).hasSize(2);
    long paid = SIZES.get(order.get(0)) + SIZES.get(order.get(1));
    double expectedNanos = paid * 1e9 / rate;
    assertThat(sleeps.stream().mapToLong(Long::longValue).sum()).isCloseTo((long) expectedNanos, within(2L));
  }

  @Test
  void run_unlimited_neverSleeps() throws Exception {
    CacheFixture fx = fill("");

    scrubber(fx, 0).run(ScrubListener.NONE);

    assertThat(sleeps).isEmpty();
  }

  @Test
  void metricsWrite_afterScrubWithFailure_strictlyParsesWithCountsAndNoTempFileLeft() throws Exception {
    CacheFixture fx = fill("");
    CacheFixture.rot(fx.cache.fileOf("rotten-1"), 0);
    Path dir = Files.createDirectories(root.resolve("textfile"));
    Path file = dir.resolve("imgtrust.prom");
    Files.writeString(file, "stale\n");

    ScrubMetrics.write(file, scrubber(fx, 0).run(ScrubListener.NONE));

    PromTextParser.Parsed p = PromTextParser.parse(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(p.value("imgtrust_cache_entries{state=\"VERIFIED\"}")).isEqualTo(2);
    assertThat(p.value("imgtrust_cache_entries{state=\"QUARANTINED\"}")).isEqualTo(1);
    assertThat(p.value("imgtrust_cache_entries{state=\"MISSING\"}")).isZero();
    assertThat(p.value("imgtrust_cache_scrub_entries_checked_total")).isEqualTo(3);
    assertThat(p.value("imgtrust_cache_scrub_bytes_verified_total"))
        .isEqualTo(SIZES.get("good-1") + SIZES.get("good-2"));
    assertThat(p.value("imgtrust_cache_scrub_failures_total{reason=\"DIGEST_MISMATCH\"}")).isEqualTo(1);
    assertThat(p.value("imgtrust_cache_scrub_failures_total{reason=\"SIZE_MISMATCH\"}")).isZero();
    assertThat(p.value("imgtrust_cache_scrub_last_success_timestamp_seconds")).isEqualTo(1735787045.25);
    assertThat(p.value("imgtrust_cache_scrub_duration_seconds")).isZero();
    assertThat(p.types).containsEntry("imgtrust_cache_scrub_failures_total", "counter")
        .containsEntry("imgtrust_cache_entries", "gauge");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(f -> f.getFileName().toString())).containsExactly("imgtrust.prom");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
  }

  @Test
  void metricsWrite_secondScrub_countersCarriedOverGaugesReplaced() throws Exception {
    CacheFixture fx = fill("");
    CacheFixture.rot(fx.cache.fileOf("rotten-1"), 0);
    Path file = root.resolve("imgtrust.prom");
    ScrubMetrics.write(file, scrubber(fx, 0).run(ScrubListener.NONE));

    ScrubMetrics.write(file, scrubber(fx, 0).run(ScrubListener.NONE));

    PromTextParser.Parsed p = PromTextParser.parse(Files.readString(file));
    assertThat(p.value("imgtrust_cache_scrub_entries_checked_total")).isEqualTo(5);
    assertThat(p.value("imgtrust_cache_scrub_failures_total{reason=\"DIGEST_MISMATCH\"}")).isEqualTo(1);
    assertThat(p.value("imgtrust_cache_scrub_bytes_verified_total"))
        .isEqualTo(2.0 * (SIZES.get("good-1") + SIZES.get("good-2")));
    assertThat(p.value("imgtrust_cache_entries{state=\"QUARANTINED\"}")).isEqualTo(1);
  }

  @Test
  void run_emptyCache_okNothingChecked() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");

    ScrubReport r = scrubber(fx, 1).run(ScrubListener.NONE);

    assertThat(r.ok()).isTrue();
    assertThat(r.entriesChecked()).isZero();
    assertThat(r.entriesByState().values()).containsOnly(0);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void run_plantedFileAndFileWithoutRecord_bothFailRecordInvalidAndAreQuarantined() throws Exception {
    CacheFixture fx = fill("");
    Files.delete(fx.cache.recordFile("good-2"));
    Files.write(fx.cache.directory().resolve("planted.img"), new byte[] {7});

    ScrubReport r = scrubber(fx, 0).run(ScrubListener.NONE);

    assertThat(r.entriesChecked()).isEqualTo(4);
    assertThat(r.failures()).extracting(ScrubReport.Failure::reason).containsOnly(Reason.RECORD_INVALID);
    assertThat(r.failures()).extracting(ScrubReport.Failure::cacheFile)
        .containsExactlyInAnyOrder(CacheLayout.nameOf("good-2"), "planted.img");
    assertThat(r.failures()).allSatisfy(f -> assertThat(f.quarantined()).isTrue());
    assertThat(fx.cache.quarantined()).hasSize(2);
    assertThat(Files.exists(fx.cache.directory().resolve("planted.img"))).isFalse();
  }
}
