package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.CacheFixture;
import io.imgtrust.core.testing.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLayoutTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static ImageTrustException unsafe(Path base) {
    return Refusals.refused(Reason.UNSAFE_CACHE, () -> CacheLayout.open(base));
  }

  @Test
  void open_missing_createsBaseAndRecords0755AndPrivateLocks0700() throws Exception {
    CacheLayout l = CacheLayout.open(tmp.resolve("instances/_base"));

    assertThat(mode(l.dir())).isEqualTo("rwxr-xr-x");
    assertThat(mode(l.records())).isEqualTo("rwxr-xr-x");
    assertThat(mode(l.locks())).isEqualTo("rwx------");
  }

  @Test
  void open_baseWritableByOthers_unsafeCacheNamingBase() throws Exception {
    Path base = CacheLayout.open(tmp.resolve("_base")).dir();
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(unsafe(base).getMessage()).contains("cache directory " + base).contains("chmod go-w " + base);
  }

  @Test
  void open_recordsGroupWritable_unsafeCacheNamingRecords() throws Exception {
    CacheLayout l = CacheLayout.open(tmp.resolve("_base"));
    Files.setPosixFilePermissions(l.records(), PosixFilePermissions.fromString("rwxrwxr-x"));

    assertThat(unsafe(l.dir()).getMessage()).contains("cache record directory " + l.records());
  }

  @Test
  void open_lockDirectoryReadableByOthers_unsafeCacheNamingLocks() throws Exception {
    CacheLayout l = CacheLayout.open(tmp.resolve("_base"));
    Files.setPosixFilePermissions(l.locks(), PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(unsafe(l.dir()).getMessage()).contains("cache lock directory " + l.locks())
        .contains("chmod 700 " + l.locks());
  }

  @Test
  void open_instancesPathWritableByOthers_unsafeCacheNamingIt() throws Exception {
    Path instances = Files.createDirectories(tmp.resolve("instances"));
    Files.setPosixFilePermissions(instances, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(unsafe(instances.resolve("_base")).getMessage()).contains("chmod go-w " + instances);
  }

  @Test
  void imageCacheOpen_baseOwnedByAnotherUser_unsafeCache() throws Exception {
    Path base = CacheLayout.open(tmp.resolve("c/instances/_base")).dir();
    Files.setAttribute(base, "unix:uid", 65534);

    ImageTrustException e = Refusals.refused(Reason.UNSAFE_CACHE, () -> CacheFixture.create(tmp.resolve("c"), ""));

    assertThat(e.getMessage()).contains("chown root " + base);
  }
}
