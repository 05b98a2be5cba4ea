package io.imgtrust.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
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

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> HostKey.loadOrCreate(f));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
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
