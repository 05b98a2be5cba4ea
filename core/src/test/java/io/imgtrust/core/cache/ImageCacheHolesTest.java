package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.testing.CacheFixture;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 4: cache files are sparse, and verification neither reads nor trusts holes blindly. */
class ImageCacheHolesTest {
  private static final int C = DigestPlan.CHUNK_SIZE;

  @TempDir Path root;
  private CacheFixture fx;
  private CacheEntry entry;

  /** Chunk 1 random, chunks 0, 2 and 3 zeros. */
  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "");
    byte[] image = new byte[4 * C];
    byte[] data = CacheFixture.randomImage(C, 3);
    System.arraycopy(data, 0, image, C, C);
    entry = fx.add("img-1", image);
  }

  private static long allocatedBytes(Path f) throws Exception {
    Process p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).start();
    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
    assertThat(p.waitFor()).isZero();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  /** Runs {@code change} on the read-only cache file, keeping mode and mtime (as bit rot would). */
  private static void tamper(Path f, Change change) throws Exception {
    FileTime mtime = java.nio.file.Files.getLastModifiedTime(f);
    var perms = java.nio.file.Files.getPosixFilePermissions(f);
    java.nio.file.Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    change.apply(f);
    java.nio.file.Files.setPosixFilePermissions(f, perms);
    java.nio.file.Files.setLastModifiedTime(f, mtime);
  }

  private interface Change {
    void apply(Path f) throws Exception;
  }

  @Test
  void add_mostlyZeroImage_cacheFileKeepsTheZerosAsHoles() throws Exception {
    assertThat(java.nio.file.Files.size(entry.file())).isEqualTo(4L * C);
    assertThat(allocatedBytes(entry.file())).isLessThanOrEqualTo(C + 64 * 1024);
  }

  @Test
  void verify_holesWhereTheRecordSaysZeros_verified() throws Exception {
    CheckResult r = fx.cache.verify("img-1");

    assertThat(r.ok()).isTrue();
    assertThat(r.bytesHashed()).isEqualTo(4L * C);
  }

  @Test
  void verify_dataPlantedInAHoleTheRecordSaysIsZeros_digestMismatchNamesTheChunk() throws Exception {
    tamper(entry.file(), f -> {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.seek(3L * C + 100);
        raf.write(new byte[] {7});
      }
    });

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1"));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 3L);
    assertThat(fx.cache.quarantined()).hasSize(1);
  }

  @Test
  void verify_holePunchedIntoTheDataChunk_digestMismatchNamesTheChunk() throws Exception {
    tamper(entry.file(), f -> io.imgtrust.core.testing.SparseFiles.punch(f, C, 64 * 1024));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1"));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 1L);
  }

  @Test
  void verify_wholeDataChunkPunchedOut_digestMismatchNamesTheChunk() throws Exception {
    tamper(entry.file(), f -> io.imgtrust.core.testing.SparseFiles.punch(f, C, C));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("img-1"));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 1L);
  }

  @Test
  void verify_randomImage_stillVerified() throws Exception {
    byte[] b = new byte[2 * C + 7];
    new Random(9).nextBytes(b);
    fx.add("img-2", b);

    assertThat(fx.cache.verify("img-2").ok()).isTrue();
  }
}
