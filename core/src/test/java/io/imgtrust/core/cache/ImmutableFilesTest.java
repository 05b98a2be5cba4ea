package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.testing.CacheFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6: sealed cache files carry FS_IMMUTABLE_FL ({@code [image_cache] immutable_files = true}, the
 * default). Needs root and a filesystem with the flag (ext4 here); the flags are cleared after each test so JUnit can
 * remove the directory.
 */
class ImmutableFilesTest {
  @TempDir Path root;
  private CacheFixture fx;

  @AfterEach
  void clearFlags() throws Exception {
    CommandRunner.system().runChecked(List.of("chattr", "-R", "-i", root.toString()), Duration.ofSeconds(30));
  }

  private CacheEntry addImmutable() throws Exception {
    fx = CacheFixture.create(root, "[image_cache]\nimmutable_files = true\n[verification]\nrecheck = interval");
    return fx.add("img-1", CacheFixture.randomImage(5 << 20, 4));
  }

  @Test
  void add_immutableFilesOn_fileImmutableAndSealedWithItsFinalIdentity() throws Exception {
    CacheEntry e = addImmutable();

    assertThat(ImmutableFiles.isSet(e.file())).contains(true);
    assertThat(fx.cache.immutable(e.name())).contains(true);
    assertThat(e.record().identity()).isEqualTo(FileIdentity.of(e.file()));
    assertThat(fx.cache.ensureVerified("img-1").bytesHashed()).as("nothing changed since the seal").isZero();
  }

  @Test
  void add_immutableFilesOn_rootCannotWriteOrRenameWithoutClearingTheFlag() throws Exception {
    CacheEntry e = addImmutable();

    assertThat(Files.isWritable(e.file())).isFalse();
    assertThatIoFails(() -> Files.setPosixFilePermissions(e.file(), PosixFilePermissions.fromString("rw-r--r--")));
    assertThatIoFails(() -> Files.move(e.file(), root.resolve("moved")));
  }

  @Test
  void quarantine_immutableFile_flagClearedAndFileMoved() throws Exception {
    CacheEntry e = addImmutable();

    fx.cache.quarantine(e, ImageTrustException.of(Reason.DIGEST_MISMATCH, "test"));

    assertThat(Files.exists(e.file())).isFalse();
    Path moved = Path.of(fx.cache.quarantined().get(0).toString().replaceFirst("\\.json$", ""));
    assertThat(ImmutableFiles.isSet(moved)).contains(false);
  }

  @Test
  void ensureVerified_fileGivenAwayAndIntact_replacedByAnImmutableCopySealedWithItsIdentity() throws Exception {
    CacheEntry e = addImmutable();
    CommandRunner.system().runChecked(List.of("chattr", "-i", e.file().toString()), Duration.ofSeconds(30));
    Files.setAttribute(e.file(), "unix:uid", 65534);
    Files.setPosixFilePermissions(e.file(), PosixFilePermissions.fromString("rw-r--r--"));
    long heldInode = FileIdentity.of(e.file()).inode();

    CheckResult r = fx.cache.ensureVerified("img-1");

    assertThat(r.ok()).isTrue();
    assertThat(FileIdentity.of(e.file()).inode()).as("a new inode, not the one given away").isNotEqualTo(heldInode);
    assertThat(ImmutableFiles.isSet(e.file())).contains(true);
    assertThat(fx.cache.ensureVerified("img-1").bytesHashed()).as("sealed with its final identity").isZero();
  }

  @Test
  void immutable_fileWithoutTheFlag_false() throws Exception {
    CacheFixture plain = CacheFixture.create(root, "");
    CacheEntry e = plain.add("img-1", new byte[4096]);

    assertThat(plain.cache.immutable(e.name())).contains(false);
    assertThat(plain.cache.immutable("no-such-file")).isEmpty();
  }

  @Test
  void set_chattrFails_cacheGoesOnWithoutTheFlagAndStopsTrying() throws Exception {
    ImmutableFiles flags = new ImmutableFiles(true, CommandRunner.system());
    Path file = Files.write(root.resolve("f"), new byte[] {1});

    flags.set(root.resolve("no-such-file"));
    flags.set(file);

    assertThat(ImmutableFiles.isSet(file)).contains(false);
  }

  @Test
  void set_disabled_noFlag() throws Exception {
    Path file = Files.write(root.resolve("f"), new byte[] {1});

    new ImmutableFiles(false, CommandRunner.system()).set(file);

    assertThat(ImmutableFiles.isSet(file)).contains(false);
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void assertThatIoFails(IoAction a) {
    try {
      a.run();
    } catch (IOException expected) {
      return;
    }
    throw new AssertionError("the operation succeeded on an immutable file");
  }
}
