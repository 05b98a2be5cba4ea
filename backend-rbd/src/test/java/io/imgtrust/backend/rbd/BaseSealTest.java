package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verified base's seal and the cluster key that signs it; no cluster needed. */
class BaseSealTest {
  @TempDir Path root;

  private CacheEntry entry(String id) throws Exception {
    return CacheFixture.create(root.resolve(id), "").add(id, CacheFixture.randomImage(5 << 20, 3));
  }

  @Test
  void body_parsedBack_describesTheRecordAndSnapshot() throws Exception {
    CacheEntry e = entry("img");
    BaseSeal seal = BaseSeal.of(e.record(), 7, "host-a\nline", Instant.parse("2026-01-02T03:04:05Z"));

    BaseSeal back = BaseSeal.parse(seal.body()).orElseThrow();

    assertThat(back.body()).isEqualTo(seal.body());
    assertThat(back.mismatch(e.record(), 7)).isEmpty();
    assertThat(back.sealedBy()).isEqualTo("host-a\nline at 2026-01-02T03:04:05Z");
  }

  @Test
  void mismatch_otherSnapshotOrOtherImage_saysWhy() throws Exception {
    CacheEntry e = entry("img");
    BaseSeal seal = BaseSeal.of(e.record(), 7, "h", Instant.EPOCH);

    assertThat(seal.mismatch(e.record(), 8)).get().asString().contains("snapshot");
    assertThat(seal.mismatch(entry("other").record(), 7)).get().asString().contains("image img");
  }

  @Test
  void parse_notASeal_empty() {
    assertThat(BaseSeal.parse("hello")).isEmpty();
    assertThat(BaseSeal.parse("imgtrust-base v1\nno equals sign\n")).isEmpty();
    assertThat(BaseSeal.parse("imgtrust-base v1\na=1\na=2\n")).isEmpty();
  }

  @Test
  void clusterKey_macVerifiesOnlyTheSameTextUnderTheSameKey() throws Exception {
    ClusterKey k = ClusterKey.load(CephTestCluster.clusterKey(root.resolve("a.key")));
    ClusterKey other = ClusterKey.load(CephTestCluster.clusterKey(root.resolve("b.key")));
    String mac = k.mac("body");

    assertThat(k.verifies("body", mac)).isTrue();
    assertThat(k.verifies("body ", mac)).isFalse();
    assertThat(other.verifies("body", mac)).isFalse();
  }

  @Test
  void clusterKey_readableByOthers_badConfigSayingChmod() throws Exception {
    Path key = CephTestCluster.clusterKey(root.resolve("k"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> ClusterKey.load(key));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains("chmod 600");
  }

  @Test
  void clusterKey_missingOrShort_badConfig() throws Exception {
    Path shortKey = Files.write(root.resolve("short"), new byte[16]);
    Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));

    assertThat(catchThrowableOfType(ImageTrustException.class, () -> ClusterKey.load(root.resolve("none")))
        .getMessage()).contains("head -c 32 /dev/urandom");
    assertThat(catchThrowableOfType(ImageTrustException.class, () -> ClusterKey.load(shortKey)).getMessage())
        .contains("fewer than 32");
  }
}
