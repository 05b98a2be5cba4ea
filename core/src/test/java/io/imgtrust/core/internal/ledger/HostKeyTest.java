package io.imgtrust.core.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyTest {
  @TempDir Path dir;

  @Test
  void loadOrCreate_missing_createsMode0600InNewDirectory() throws Exception {
    Path f = dir.resolve("etc/imgtrust/host.key");

    HostKey.loadOrCreate(f);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(Files.readString(f).strip()).hasSize(64).matches("[0-9a-f]+");
  }

  @Test
  void loadOrCreate_existing_sameKeyEveryTime() throws Exception {
    Path f = dir.resolve("host.key");
    byte[] first = HostKey.loadOrCreate(f).mac(new byte[] {1});

    assertThat(HostKey.loadOrCreate(f).mac(new byte[] {1})).isEqualTo(first);
  }

  @Test
  void loadOrCreate_concurrentFirstUse_allAgreeOnOneKey() throws Exception {
    Path f = dir.resolve("host.key");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> macs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        macs.add(pool.submit(() -> HostKey.loadOrCreate(f).mac(new byte[] {7})));
      }
      byte[] first = macs.get(0).get();
      for (Future<byte[]> m : macs) {
        assertThat(m.get()).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void loadOrCreate_garbageFile_badConfig() throws Exception {
    Path f = dir.resolve("host.key");
    Files.writeString(f, "not hex at all");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> HostKey.loadOrCreate(f));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
  }

  private static ImageTrustException unsafe(Path f) {
    return Refusals.refused(Reason.UNSAFE_CACHE, () -> HostKey.loadOrCreate(f));
  }

  @Test
  void loadOrCreate_directoryWritableByOthers_unsafeCacheNamingIt() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(unsafe(keys.resolve("host.key")).getMessage()).contains("host key directory " + keys)
        .contains("chmod go-w " + keys);
    assertThat(Files.exists(keys.resolve("host.key"))).isFalse();
  }

  @Test
  void loadOrCreate_keyReadableByOthers_unsafeCacheWithChmod600() throws Exception {
    Path f = dir.resolve("host.key");
    HostKey.loadOrCreate(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(unsafe(f).getMessage()).contains("host key " + f).contains("chmod 600 " + f);
  }

  @Test
  void loadOrCreate_keyIsSymlink_unsafeCache() throws Exception {
    Path real = dir.resolve("real.key");
    HostKey.loadOrCreate(real);
    Path f = Files.createSymbolicLink(dir.resolve("host.key"), real);

    assertThat(unsafe(f).getMessage()).contains("host key " + f + " is a symbolic link");
  }

  @Test
  void loadOrCreate_keyOwnedByAnotherUser_unsafeCache() throws Exception {
    Path f = dir.resolve("host.key");
    HostKey.loadOrCreate(f);
    Files.setAttribute(f, "unix:uid", 65534);

    assertThat(unsafe(f).getMessage()).contains("uid 65534").contains("chown root " + f);
  }

  @Test
  void mac_differentKeys_differentMacs() {
    byte[] a = HostKey.of(new byte[16]).mac(new byte[] {1});
    byte[] other = new byte[16];
    other[0] = 1;
    byte[] b = HostKey.of(other).mac(new byte[] {1});

    assertThat(a).isNotEqualTo(b);
  }
}
