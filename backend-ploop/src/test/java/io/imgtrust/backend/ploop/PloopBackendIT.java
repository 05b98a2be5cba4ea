package io.imgtrust.backend.ploop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.testing.CacheFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the ploop backend's disks with the real {@code qemu-img} (qemu's own Parallels driver). A missing
 * {@code qemu-img} fails these tests; it never skips them.
 */
class PloopBackendIT {
  private static final int MIB = 1024 * 1024;
  /** 9 MiB + 12345 bytes: neither a cluster nor a sector multiple. */
  private static final int ODD_SIZE = 9 * MIB + 12345;

  @TempDir Path root;

  @BeforeAll
  static void qemuImgPresent() throws Exception {
    Run r = run("qemu-img", "--version");
    assertThat(r.rc).as("qemu-img must be installed for the integration tests: %s", r.out).isZero();
  }

  @Test
  void expanded_grownOddImage_qemuChecksComparesAndSizesIt() throws Exception {
    byte[] image = imageWithZeroRegions(ODD_SIZE, 1);
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("a"), "");
    long size = 20L * MIB + 1536;
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)).withSize(size));

    assertCheckClean(disk.target());
    assertIdentical("parallels", source(image), disk.target());
    assertThat(virtualSize("parallels", disk.target())).isEqualTo(size);
  }

  @Test
  void expanded_qemuWritesIntoImportedDisk_stillCleanAndReadsBack() throws Exception {
    byte[] image = imageWithZeroRegions(ODD_SIZE, 8);
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("h"), "");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)).withSize(16L * MIB));
    Path copy = Files.copy(Path.of(disk.target()), root.resolve("copy.hds"));

    Run w = run("qemu-io", "-f", "parallels", "-c", "write -P 0x5a 13M 1M", "-c", "write -P 0x6b 1M 4096",
        copy.toString());
    assertThat(w.rc).as(w.out).isZero();

    assertCheckClean(copy.toString());
    Run r = run("qemu-io", "-f", "parallels", "-r", "-c", "read -P 0x5a 13M 1M", "-c", "read -P 0x6b 1M 4096",
        "-c", "read -P 0 2M 1M", copy.toString());
    assertThat(r.rc).as(r.out).isZero();
    assertThat(r.out).doesNotContain("Pattern verification failed");
  }

  @Test
  void expanded_imageSize_virtualSizeIsImageRoundedToSector() throws Exception {
    byte[] image = imageWithZeroRegions(ODD_SIZE, 2);
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("b"), "");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)));

    assertCheckClean(disk.target());
    assertIdentical("parallels", source(image), disk.target());
    assertThat(virtualSize("parallels", disk.target())).isEqualTo(ParallelsGeometry.roundToSector(ODD_SIZE));
  }

  @Test
  void expanded_mostlyZeroImage_fileFarSmallerThanVirtualSize() throws Exception {
    byte[] image = new byte[64 * MIB];
    System.arraycopy(CacheFixture.randomImage(3 * MIB, 3), 0, image, 30 * MIB, 3 * MIB);
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("c"), "");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)));

    assertCheckClean(disk.target());
    assertIdentical("parallels", source(image), disk.target());
    assertThat(Files.size(Path.of(disk.target()))).isEqualTo(4L * MIB);
    assertThat(allocatedBytes(disk.target())).isLessThanOrEqualTo(4L * MIB);
  }

  @Test
  void raw_mostlyZeroImage_identicalAndSparse() throws Exception {
    byte[] image = new byte[64 * MIB];
    System.arraycopy(CacheFixture.randomImage(3 * MIB, 4), 0, image, 10 * MIB, 3 * MIB);
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("d"), "[ploop]\nformat = raw");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)));

    assertIdentical("raw", source(image), disk.target());
    assertThat(virtualSize("raw", disk.target())).isEqualTo(64L * MIB);
    assertThat(allocatedBytes(disk.target())).isLessThanOrEqualTo(4L * MIB);
  }

  @Test
  void raw_oddImage_identical() throws Exception {
    byte[] image = imageWithZeroRegions(ODD_SIZE, 5);
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("e"), "[ploop]\nformat = raw");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)).withSize(16L * MIB));

    assertIdentical("raw", source(image), disk.target());
    assertThat(virtualSize("raw", disk.target())).isEqualTo(16L * MIB);
  }

  @Test
  void expanded_flippedCacheByte_digestMismatchNothingLeftEntryQuarantined() throws Exception {
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("f"), "");
    CacheEntry e = s.add(imageWithZeroRegions(ODD_SIZE, 6));
    CacheFixture.rot(e.file(), 8L * MIB + 5);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> s.backend.prepare(SpawnRequest.of("vm", e).withSize(32L * MIB)));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 2L).containsEntry("offset", 8L * MIB);
    assertThat(s.instances.resolve("vm")).doesNotExist();
    assertThat(Files.exists(e.file())).isFalse();
    assertThat(s.fixture.cache.quarantined()).hasSize(1);
  }

  @Test
  void expanded_sizeBelowImage_flavorTooSmallNothingLeft() throws Exception {
    PloopBackendTest.Setup s = new PloopBackendTest.Setup(root.resolve("g"), "");
    CacheEntry e = s.add(imageWithZeroRegions(ODD_SIZE, 7));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> s.backend.prepare(SpawnRequest.of("vm", e).withSize(8L * MIB)));

    assertThat(x.reason()).isEqualTo(Reason.FLAVOR_TOO_SMALL);
    assertThat(s.instances.resolve("vm")).doesNotExist();
    assertThat(s.fixture.cache.quarantined()).isEmpty();
  }

  /** Random bytes with all-zero stretches: whole clusters, a cluster-straddling run, and a zero start of a chunk. */
  private static byte[] imageWithZeroRegions(int size, long seed) {
    byte[] b = CacheFixture.randomImage(size, seed);
    Arrays.fill(b, MIB, 3 * MIB, (byte) 0);
    Arrays.fill(b, 5 * MIB + 100, 6 * MIB + 100, (byte) 0);
    Arrays.fill(b, 8 * MIB, 8 * MIB + 4096, (byte) 0);
    return b;
  }

  private Path source(byte[] image) throws IOException {
    Path p = Files.createTempFile(root, "source", ".raw");
    Files.write(p, image);
    return p;
  }

  private static void assertCheckClean(String hds) throws Exception {
    Run r = run("qemu-img", "check", "-f", "parallels", hds);
    assertThat(r.rc).as(r.out).isZero();
    assertThat(r.out).contains("No errors were found").doesNotContainIgnoringCase("leak")
        .doesNotContain("ERROR");
  }

  private static void assertIdentical(String format, Path source, String disk) throws Exception {
    Run r = run("qemu-img", "compare", "-f", "raw", "-F", format, source.toString(), disk);
    assertThat(r.rc).as(r.out).isZero();
    assertThat(r.out).contains("Images are identical");
  }

  private static long virtualSize(String format, String disk) throws Exception {
    Run r = run("qemu-img", "info", "--output=json", "-f", format, disk);
    assertThat(r.rc).as(r.out).isZero();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(r.out);
    assertThat(m.find()).as(r.out).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** Bytes the file occupies on disk ({@code stat -c %b} blocks of {@code %B} bytes). */
  private static long allocatedBytes(String file) throws Exception {
    Run r = run("stat", "-c", "%b %B", file);
    assertThat(r.rc).as(r.out).isZero();
    String[] f = r.out.trim().split(" ");
    return Long.parseLong(f[0]) * Long.parseLong(f[1]);
  }

  private static Run run(String... argv) throws Exception {
    List<String> cmd = new ArrayList<>(Arrays.asList(argv));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Run(-1, cmd.get(0) + " cannot run: " + e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s timed out", cmd).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static final class Run {
    final int rc;
    final String out;

    Run(int rc, String out) {
      this.rc = rc;
      this.out = out;
    }
  }
}
