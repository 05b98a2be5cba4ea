package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.ledger.LedgerRecord;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCacheTest {
  private static final int SIZE = 3 * DigestPlan.CHUNK_SIZE + 1000;

  @TempDir Path root;
  private CacheFixture fx;
  private byte[] image;

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "");
    image = CacheFixture.randomImage(SIZE, 5);
  }

  private List<String> cacheDirNames() throws Exception {
    try (Stream<Path> s = Files.list(fx.cache.directory())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void add_rawImage_sealedReadOnlyEntryNamedBySha1OfId() throws Exception {
    CacheEntry e = fx.add("img-1", image);

    assertThat(e.file().getFileName().toString()).isEqualTo(CacheLayout.nameOf("img-1"));
    assertThat(Files.readAllBytes(e.file())).isEqualTo(image);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(e.file()))).isEqualTo("r--r--r--");
    assertThat(e.record().chunks()).hasSize(4);
    assertThat(e.record().fill()).containsEntry("digest_algorithm", "sha256")
        .containsEntry("digest_field", "os_hash_value");
    assertThat(fx.cache.entry("img-1").record().contentDigest()).isEqualTo(e.record().contentDigest());
    assertThat(cacheDirNames()).containsExactly(".imgtrust", CacheLayout.nameOf("img-1"));
  }

  @Test
  void nameOf_isSha1HexOfImageId() {
    assertThat(CacheLayout.nameOf("abc")).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
  }

  @Test
  void add_twice_returnsExistingEntryUntouched() throws Exception {
    CacheEntry first = fx.add("img-1", image);

    CacheEntry second = fx.add("img-1", image);

    assertThat(second.record().identity()).isEqualTo(first.record().identity());
  }

  @Test
  void add_digestMismatch_nothingEntersTheCache() throws Exception {
    Path download = Files.write(root.resolve("dl"), image);
    ImageMetadata wrong = CacheFixture.rawMetadata("img-1", CacheFixture.randomImage(SIZE, 6));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.add(download, wrong));

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(cacheDirNames()).containsExactly(".imgtrust");
    assertThat(fx.cache.list()).isEmpty();
  }

  @Test
  void add_leftoversOfKilledFill_removed() throws Exception {
    String name = CacheLayout.nameOf("img-1");
    Files.createDirectories(fx.cache.directory());
    Files.writeString(fx.cache.directory().resolve("." + name + ".part-abc"), "half");

    fx.add("img-1", image);

    assertThat(cacheDirNames()).containsExactly(".imgtrust", name);
  }

  @Test
  void verify_intactEntry_hashesEveryByteAndRefreshesVerifiedAt() throws Exception {
    CacheEntry e = fx.add("img-1", image);

    CheckResult r = fx.cache.verify("img-1");

    assertThat(r.ok()).isTrue();
    assertThat(r.bytesHashed()).isEqualTo(SIZE);
    assertThat(fx.cache.entry("img-1").record().verifiedAt()).isAfter(e.record().verifiedAt());
  }

  @Test
  void verify_bitRotInThirdChunk_digestMismatchNamesChunkAndQuarantines() throws Exception {
    CacheEntry e = fx.add("img-1", image);
    CacheFixture.rot(e.file(), 2L * DigestPlan.CHUNK_SIZE + 17);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1"));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 2L).containsEntry("offset", 2L * DigestPlan.CHUNK_SIZE);
    assertThat(Files.exists(e.file())).isFalse();
    assertThat(fx.cache.quarantined()).hasSize(1);
    JsonNode reason = new ObjectMapper().readTree(fx.cache.quarantined().get(0).toFile());
    assertThat(reason.get("reason").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(reason.get("image_id").asText()).isEqualTo("img-1");
    Path moved = Path.of(fx.cache.quarantined().get(0).toString().replaceFirst("\\.json$", ""));
    assertThat(Files.size(moved)).isEqualTo(SIZE);
    assertThat(fx.cache.list()).singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(EntryStatus.State.QUARANTINED));
  }

  @Test
  void verify_twoBadChunks_namesTheFirst() throws Exception {
    CacheEntry e = fx.add("img-1", image);
    CacheFixture.rot(e.file(), 3L * DigestPlan.CHUNK_SIZE + 5);
    CacheFixture.rot(e.file(), 1L * DigestPlan.CHUNK_SIZE + 5);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1"));

    assertThat(x.details()).containsEntry("chunk", 1L);
  }

  @Test
  void verify_warnMode_reportsFailureAndKeepsEntry() throws Exception {
    CacheFixture warn = CacheFixture.create(root.resolve("w"), "mode = warn");
    CacheEntry e = warn.add("img-1", image);
    CacheFixture.rot(e.file(), 10);

    CheckResult r = warn.cache.verify("img-1");

    assertThat(r.ok()).isFalse();
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(Files.exists(e.file())).isTrue();
    assertThat(warn.cache.quarantined()).isEmpty();
  }

  @Test
  void verify_warnModeFailure_countedInMetricsAndReportsBytesHashed() throws Exception {
    Path metrics = root.resolve("metrics/imgtrust.prom");
    Files.createDirectories(metrics.getParent());
    CacheFixture warn = CacheFixture.create(root.resolve("wm"),
        "mode = warn\n[image_cache]\nmetrics_file = " + metrics);
    CacheEntry e = warn.add("img-1", image);
    CacheFixture.rot(e.file(), 10);

    CheckResult r = warn.cache.verify("img-1");

    assertThat(r.failure().orElseThrow().reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(r.bytesHashed()).as("the recheck ran over the whole file").isEqualTo(SIZE);
    String text = Files.readString(io.imgtrust.core.metrics.WarnCounter.fileFor(metrics));
    assertThat(io.imgtrust.core.testing.PromTextParser.parse(text).value(io.imgtrust.core.metrics.WarnCounter.NAME
        + "{reason=\"DIGEST_MISMATCH\",check=\"recheck\"}")).isEqualTo(1);
  }

  @Test
  void verify_recordEdited_recordInvalid() throws Exception {
    fx.add("img-1", image);
    Path rec = fx.cache.recordFile("img-1");
    Files.writeString(rec, Files.readString(rec).replace("\"disk_format\" : \"raw\"", "\"disk_format\" : \"iso\""));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1"));

    assertThat(x.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(x.getMessage()).contains("seal");
  }

  @Test
  void entry_fileReplacedByIdenticalCopy_rehashedAndSealedWithTheNewIdentity() throws Exception {
    // Issue 9 item 5 replaced this test's old expectation (RECORD_INVALID): the record binds the content.
    CacheEntry e = fx.add("img-1", image);
    Path copy = root.resolve("copy");
    Files.copy(e.file(), copy);
    // Kept alive, so that no new file can get the sealed file's inode number.
    Files.createLink(root.resolve("sealed-inode"), e.file());
    Files.delete(e.file());
    Files.move(copy, e.file());

    CacheEntry again = fx.cache.entry("img-1");

    assertThat(again.record().identity()).isEqualTo(io.imgtrust.core.io.FileIdentity.of(e.file()));
    assertThat(again.record().identity().inode()).isNotEqualTo(e.record().identity().inode());
    assertThat(again.record().verifiedAt()).isAfter(e.record().verifiedAt());
    assertThat(fx.cache.quarantined()).isEmpty();
  }

  @Test
  void entry_symlinkPlantedInPlaceOfCacheFile_refused() throws Exception {
    CacheEntry e = fx.add("img-1", image);
    Path elsewhere = root.resolve("elsewhere");
    Files.move(e.file(), elsewhere);
    Files.createSymbolicLink(e.file(), elsewhere);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.entry("img-1"));

    assertThat(x.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(x.getMessage()).contains("symbolic link");
    assertThat(catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1")).reason())
        .isEqualTo(Reason.RECORD_INVALID);
    assertThat(Files.exists(elsewhere)).isTrue();
  }

  @Test
  void entry_notCached_notCached() {
    assertThat(catchThrowableOfType(ImageTrustException.class, () -> fx.cache.entry("nope")).reason())
        .isEqualTo(Reason.NOT_CACHED);
  }

  @Test
  void add_afterQuarantine_refillsAndVerifies() throws Exception {
    CacheEntry e = fx.add("img-1", image);
    CacheFixture.rot(e.file(), 1);
    assertThat(catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1")).reason())
        .isEqualTo(Reason.DIGEST_MISMATCH);

    fx.add("img-1", image);

    assertThat(fx.cache.verify("img-1").ok()).isTrue();
    assertThat(fx.cache.list()).singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(EntryStatus.State.VERIFIED));
  }

  @Test
  void verify_eightThreadsAtOnce_entryHashedOnce() throws Exception {
    byte[] big = CacheFixture.randomImage(24 * DigestPlan.CHUNK_SIZE, 9);
    fx.add("big", big);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<CheckResult>> rs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        rs.add(pool.submit(() -> {
          go.await();
          return fx.cache.verify("big");
        }));
      }
      go.countDown();
      long total = 0;
      int shared = 0;
      for (Future<CheckResult> r : rs) {
        total += r.get().bytesHashed();
        shared += r.get().shared() ? 1 : 0;
      }
      assertThat(total).isEqualTo(big.length);
      assertThat(shared).isEqualTo(7);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void quarantine_byConsumer_marksRecordAndMovesFile() throws Exception {
    CacheEntry e = fx.add("img-1", image);

    fx.cache.quarantine(e, ImageTrustException.of(Reason.DIGEST_MISMATCH, "import saw chunk 0 differ"));

    assertThat(Files.exists(e.file())).isFalse();
    assertThat(fx.cache.list().get(0).record().orElseThrow().state()).isEqualTo(LedgerRecord.State.QUARANTINED);
  }

  @Test
  void add_secondImageCacheOnTheSameDirectoryTimesOut_fillKeepsItsLockAgainstOtherProcesses() throws Exception {
    CacheFixture slow = CacheFixture.create(root.resolve("b"), "[image_cache]\nlock_timeout_seconds = 1");
    ImageCache other = ImageCache.open(slow.conf);
    Path download = Files.write(root.resolve("download"), image);
    CountDownLatch filling = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<CacheEntry> fill = pool.submit(() -> slow.cache.add(download,
          CacheFixture.rawMetadata("img-1", image), (done, total) -> {
            filling.countDown();
            awaitQuietly(release);
          }));
      filling.await();

      ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
          () -> other.add(download, CacheFixture.rawMetadata("img-1", image)));

      assertThat(x.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      Path lock = slow.cache.directory().resolve(".imgtrust/locks/" + CacheLayout.nameOf("img-1") + ".lock");
      assertThat(EntryLocksTest.probe(lock)).as("the fill's lock as another process sees it").isEqualTo("held");
      release.countDown();
      assertThat(Files.readAllBytes(fill.get().file())).isEqualTo(image);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
