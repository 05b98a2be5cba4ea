package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.internal.ledger.HostKey;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.ledger.SealedRecord;
import io.imgtrust.core.testing.CacheFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 items 5, 6 and 3 (cache half): a cache file that changed since it was sealed is judged by its content. */
class ImageCacheChangedFileTest {
  private static final int SIZE = 2 * DigestPlan.CHUNK_SIZE + 300;
  private static final String INTERVAL = "recheck = interval\nrecheck_interval_seconds = 86400";

  @TempDir Path root;
  private byte[] image;

  @BeforeEach
  void setUp() {
    image = CacheFixture.randomImage(SIZE, 9);
  }

  private static void assertQuarantinedDigestMismatch(CacheFixture fx, ImageTrustException x, long chunk)
      throws Exception {
    assertThat(x).isNotNull();
    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", chunk).containsEntry("offset", chunk * DigestPlan.CHUNK_SIZE);
    assertThat(Files.exists(fx.cache.fileOf("img-1"))).isFalse();
    assertThat(fx.cache.quarantined()).hasSize(1);
  }

  @Test
  void ensureVerified_intervalAndInPlaceEditWithMtimeReset_fullRecheckRefusesDigestMismatch() throws Exception {
    CacheFixture fx = CacheFixture.create(root, INTERVAL);
    CacheEntry e = fx.add("img-1", image);
    // An in-place edit with the mtime put back, as touch -d does.
    CacheFixture.rot(e.file(), DigestPlan.CHUNK_SIZE + 5);
    assertThat(Files.getLastModifiedTime(e.file()).toMillis()).isEqualTo(e.record().identity().mtimeNanos()
        / 1_000_000);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> fx.cache.ensureVerified("img-1"));

    assertQuarantinedDigestMismatch(fx, x, 1);
  }

  @Test
  void ensureVerified_intervalAndUnchangedFile_skipsTheRecheck() throws Exception {
    CacheFixture fx = CacheFixture.create(root, INTERVAL);
    fx.add("img-1", image);

    CheckResult r = fx.cache.ensureVerified("img-1");

    assertThat(r.ok()).isTrue();
    assertThat(r.bytesHashed()).isZero();
  }

  @Test
  void entry_inPlaceEdit_digestMismatchAndQuarantinedNotRecordInvalid() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");
    CacheEntry e = fx.add("img-1", image);
    Files.setPosixFilePermissions(e.file(), PosixFilePermissions.fromString("rw-r--r--"));
    try (RandomAccessFile f = new RandomAccessFile(e.file().toFile(), "rw")) {
      f.seek(2L * DigestPlan.CHUNK_SIZE + 1);
      f.write(0x5a ^ image[2 * DigestPlan.CHUNK_SIZE + 1]);
    }

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.entry("img-1"));

    assertQuarantinedDigestMismatch(fx, x, 2);
  }

  @Test
  void entry_replacedByIdenticalCopyWithCpAndMv_sealedAgainAndListedVerified() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "recheck = never");
    CacheEntry e = fx.add("img-1", image);
    Path copy = fx.cache.directory().resolve(".copy");
    Files.copy(e.file(), copy);
    Files.move(copy, e.file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(fx.cache.list()).singleElement().satisfies(s -> assertThat(s.state())
        .isEqualTo(EntryStatus.State.CHANGED));

    CheckResult r = fx.cache.ensureVerified("img-1");

    assertThat(r.ok()).isTrue();
    assertThat(r.bytesHashed()).as("rechecked although recheck = never").isEqualTo(SIZE);
    assertThat(fx.cache.entry("img-1").record().identity()).isEqualTo(FileIdentity.of(e.file()));
    assertThat(fx.cache.list()).singleElement().satisfies(s -> assertThat(s.state())
        .isEqualTo(EntryStatus.State.VERIFIED));
    assertThat(fx.cache.ensureVerified("img-1").bytesHashed()).isZero();
  }

  @Test
  void ensureVerified_recordWithoutCtime_rehashedAndSealedWithCtime() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "recheck = never");
    CacheEntry e = fx.add("img-1", image);
    FileIdentity id = e.record().identity();
    Ledger ledger = Ledger.open(fx.cache.directory().resolve(".imgtrust"),
        HostKey.loadOrCreate(root.resolve("keys/host.key")));
    ledger.write(SealedRecord.toBuilder(e.record())
        .identity(new FileIdentity(id.device(), id.inode(), id.size(), id.mtimeNanos())).build());
    assertThat(Files.readString(fx.cache.recordFile("img-1"))).doesNotContain("ctime_ns");

    CheckResult r = fx.cache.ensureVerified("img-1");

    assertThat(r.bytesHashed()).isEqualTo(SIZE);
    assertThat(Files.readString(fx.cache.recordFile("img-1"))).contains("ctime_ns");
    assertThat(fx.cache.entry("img-1").record().identity().ctimeNanos()).isNotEqualTo(FileIdentity.UNKNOWN);
  }

  @Test
  void ensureVerified_fileChownedAndWritable_checkedInFullAndGivenBackReadOnly() throws Exception {
    CacheFixture fx = CacheFixture.create(root, INTERVAL);
    CacheEntry e = fx.add("img-1", image);
    int uid = (Integer) Files.getAttribute(e.file(), "unix:uid");
    Files.setAttribute(e.file(), "unix:uid", 65534);
    Files.setAttribute(e.file(), "unix:gid", 65534);
    Files.setPosixFilePermissions(e.file(), PosixFilePermissions.fromString("rw-r--r--"));

    CheckResult r = fx.cache.ensureVerified("img-1");

    assertThat(r.ok()).isTrue();
    assertThat(r.bytesHashed()).isEqualTo(SIZE);
    assertThat(Files.getAttribute(e.file(), "unix:uid")).isEqualTo(uid);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(e.file()))).isEqualTo("r--r--r--");
    assertThat(fx.cache.list()).singleElement().satisfies(s -> assertThat(s.state())
        .isEqualTo(EntryStatus.State.VERIFIED));
  }

  @Test
  void ensureVerified_holderKeepsAWritableDescriptor_itsWriteAfterTheRepairMissesTheCacheFile() throws Exception {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    CacheFixture fx = CacheFixture.create(root, INTERVAL);
    CacheEntry e = fx.add("img-1", image);
    int uid = (Integer) Files.getAttribute(e.file(), "unix:uid");
    // libvirt's dynamic ownership gave the file to QEMU's user, who opens it read-write and chmods it back.
    Files.setAttribute(e.file(), "unix:uid", 65534);
    Files.setPosixFilePermissions(e.file(), PosixFilePermissions.fromString("rw-r--r--"));
    Process qemu = new ProcessBuilder(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/usr/bin/python3", "-c", "import os,sys\nfd=os.open(sys.argv[1], os.O_RDWR)\nos.fchmod(fd, 0o444)\n"
        + "print('opened', flush=True)\nsys.stdin.readline()\nos.pwrite(fd, b'EVILEVIL', 0)\n"
        + "print('wrote', flush=True)\n", e.file().toString())).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(qemu.getInputStream(), UTF_8));
        Writer in = new OutputStreamWriter(qemu.getOutputStream(), UTF_8)) {
      assertThat(out.readLine()).isEqualTo("opened");

      CheckResult repaired = fx.cache.ensureVerified("img-1");
      in.write("\n");
      in.flush();
      assertThat(out.readLine()).isEqualTo("wrote");

      assertThat(repaired.ok()).isTrue();
      assertThat(CacheFixture.sha256(Files.readAllBytes(e.file()))).as("the cache file's content")
          .isEqualTo(CacheFixture.sha256(image));
      assertThat(fx.cache.verify("img-1").bytesHashed()).isEqualTo(SIZE);
      assertThat(Files.getAttribute(e.file(), "unix:uid")).isEqualTo(uid);
      assertThat(fx.cache.ensureVerified("img-1").bytesHashed()).as("sealed: no recheck needed").isZero();
    } finally {
      qemu.destroyForcibly().waitFor();
    }
  }

  @Test
  void ensureVerified_fileChownedAndAByteFlipped_quarantined() throws Exception {
    CacheFixture fx = CacheFixture.create(root, INTERVAL);
    CacheEntry e = fx.add("img-1", image);
    CacheFixture.rot(e.file(), 7);
    Files.setAttribute(e.file(), "unix:uid", 65534);
    Files.setPosixFilePermissions(e.file(), PosixFilePermissions.fromString("rw-r--r--"));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> fx.cache.ensureVerified("img-1"));

    assertQuarantinedDigestMismatch(fx, x, 0);
  }

  @Test
  void verifyFile_plantedFileAndFileWithoutRecord_recordInvalidAndQuarantined() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");
    fx.add("img-1", image);
    fx.add("img-2", CacheFixture.randomImage(1000, 3));
    Files.delete(fx.cache.recordFile("img-2"));
    Path planted = Files.write(fx.cache.directory().resolve("planted"), new byte[] {1, 2, 3});
    Files.write(fx.cache.directory().resolve("." + CacheLayout.nameOf("img-1") + ".part-x"), new byte[] {1});
    List<EntryStatus> listed = fx.cache.list();
    assertThat(listed).extracting(EntryStatus::name).containsExactly(CacheLayout.nameOf("img-2"),
        CacheLayout.nameOf("img-1"), "planted");
    assertThat(listed).extracting(EntryStatus::state).containsExactly(EntryStatus.State.RECORD_INVALID,
        EntryStatus.State.VERIFIED, EntryStatus.State.RECORD_INVALID);

    ImageTrustException p = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verifyFile("planted"));
    ImageTrustException d = catchThrowableOfType(ImageTrustException.class,
        () -> fx.cache.verifyFile(CacheLayout.nameOf("img-2")));

    assertThat(p.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(d.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(p.getMessage()).contains("no record");
    assertThat(Files.exists(planted)).isFalse();
    assertThat(fx.cache.quarantined()).hasSize(2);
    assertThat(fx.cache.verifyFile(CacheLayout.nameOf("img-1")).bytesHashed()).isEqualTo(SIZE);
  }

  @Test
  void verifyFile_plantedFileInWarnMode_reportedAndLeftInPlace() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "mode = warn");
    fx.add("img-1", image);
    Path planted = Files.write(fx.cache.directory().resolve("planted"), new byte[] {1});

    CheckResult r = fx.cache.verifyFile("planted");

    assertThat(r.failure().orElseThrow().reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(Files.exists(planted)).isTrue();
    assertThat(fx.cache.quarantined()).isEmpty();
  }
}
