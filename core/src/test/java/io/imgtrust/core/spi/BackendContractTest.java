package io.imgtrust.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link ImageBackend} must keep, run against the real backend by each backend module's test
 * (which extends this class). A backend test supplies how to read a prepared disk back and how to see whether
 * anything (final or temporary) is left for an instance.
 */
public abstract class BackendContractTest {
  /** 9 MiB + 7 bytes: three chunks, the last one short. */
  protected static final int IMAGE_SIZE = 9 * 1024 * 1024 + 7;

  @TempDir protected Path root;
  protected CacheFixture fixture;
  protected ImageBackend backend;
  protected byte[] image;
  protected CacheEntry entry;

  /** The {@code images_type} under test. */
  protected abstract String imagesType();

  /** Extra config lines for the backend (sections and options). */
  protected String extraConfig() {
    return "";
  }

  /** The first {@code length} bytes the guest would see on the prepared disk. */
  protected abstract byte[] readDisk(PreparedDisk disk, int length) throws Exception;

  /** Whether anything the backend made for {@code instance} exists, under any name (temporaries included). */
  protected abstract boolean anythingLeftFor(String instance) throws Exception;

  @BeforeEach
  void setUpBackend() throws Exception {
    fixture = CacheFixture.create(root, extraConfig());
    backend = Backends.create(BackendContext.of(fixture.conf, fixture.cache), imagesType());
    image = CacheFixture.randomImage(IMAGE_SIZE, 11);
    entry = fixture.add("contract-image", image);
  }

  @AfterEach
  void tearDownBackend() throws Exception {
    for (String i : List.of("vm-1", "vm-rot", "vm-rec")) {
      backend.remove(i, "disk");
    }
    for (int i = 0; i < 8; i++) {
      backend.remove("vm-c" + i, "disk");
    }
  }

  @Test
  void prepare_verifiedEntry_diskHoldsExactlyTheImageBytes() throws Exception {
    PreparedDisk disk = backend.prepare(SpawnRequest.of("vm-1", entry));

    assertThat(CacheFixture.sha256(readDisk(disk, IMAGE_SIZE))).isEqualTo(CacheFixture.sha256(image));
    assertThat(disk.diskXml()).contains("<disk");
    assertThat(anythingLeftFor("vm-1")).isTrue();
  }

  @Test
  void prepare_flippedCacheByte_digestMismatchNothingLeftEntryQuarantined() throws Exception {
    CacheFixture.rot(entry.file(), 4 * 1024 * 1024 + 99);

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> backend.prepare(SpawnRequest.of("vm-rot", entry)));

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(e.details()).containsEntry("chunk", 1L);
    assertThat(anythingLeftFor("vm-rot")).isFalse();
    assertThat(Files.exists(entry.file())).isFalse();
    assertThat(fixture.cache.quarantined()).hasSize(1);
  }

  @Test
  void prepare_flippedCacheByteInWarnMode_diskMadeReportSaysFailedAndCounted() throws Exception {
    Path metrics = Files.createDirectories(root.resolve("metrics")).resolve("imgtrust.prom");
    CacheFixture warn = CacheFixture.create(root.resolve("warn"),
        "mode = warn\n[image_cache]\nmetrics_file = " + metrics + "\n" + extraConfig());
    ImageBackend b = Backends.create(BackendContext.of(warn.conf, warn.cache), imagesType());
    CacheEntry e = warn.add("contract-image", image);
    CacheFixture.rot(e.file(), 4 * 1024 * 1024 + 99);
    try {
      PreparedDisk disk = b.prepare(SpawnRequest.of("vm-warn", e));

      assertThat(disk.report()).containsEntry("check", "failed");
      assertThat(String.valueOf(disk.report().get("verified"))).contains("FAILED").contains("DIGEST_MISMATCH");
      assertThat(disk.report().get("failure")).isInstanceOfSatisfying(java.util.Map.class, f -> assertThat(f)
          .containsEntry("reason", "DIGEST_MISMATCH").containsEntry("chunk", 1L)
          .containsEntry("offset", 4L * 1024 * 1024));
      assertThat((Long) disk.report().get("bytes_hashed")).isPositive();
      assertThat(CacheFixture.sha256(readDisk(disk, IMAGE_SIZE)))
          .as("warn mode hands out the cache bytes as they are").isEqualTo(CacheFixture.sha256(Files.readAllBytes(
              e.file())));
      assertThat(warn.cache.quarantined()).isEmpty();
      double counted = io.imgtrust.core.metrics.PrometheusText.readSamples(
          io.imgtrust.core.metrics.WarnCounter.fileFor(metrics)).entrySet().stream()
          .filter(s -> s.getKey().contains("reason=\"DIGEST_MISMATCH\"")).mapToDouble(s -> s.getValue()).sum();
      assertThat(counted).isEqualTo(1);
    } finally {
      b.remove("vm-warn", "disk");
    }
  }

  @Test
  void prepare_tamperedRecord_refusedAndNothingLeft() throws Exception {
    Path record = fixture.cache.recordFile(entry.imageId());
    Files.writeString(record, Files.readString(record, StandardCharsets.UTF_8).replace("\"size\" : " + IMAGE_SIZE,
        "\"size\" : " + (IMAGE_SIZE + 1)));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> backend.prepare(SpawnRequest.of("vm-rec", entry)));

    assertThat(e.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(anythingLeftFor("vm-rec")).isFalse();
  }

  @Test
  void prepare_eightConcurrentInstancesOfOneImage_allSucceedAndAreCorrect() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<PreparedDisk>> disks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String instance = "vm-c" + i;
        disks.add(pool.submit(() -> backend.prepare(SpawnRequest.of(instance, entry))));
      }
      for (Future<PreparedDisk> d : disks) {
        assertThat(CacheFixture.sha256(readDisk(d.get(), IMAGE_SIZE))).isEqualTo(CacheFixture.sha256(image));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
