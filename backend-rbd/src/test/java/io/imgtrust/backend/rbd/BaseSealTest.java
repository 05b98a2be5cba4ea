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

  private static BaseRef ref(long snapId) {
    return new BaseRef("fsid-a", 3, "10a2b3c4d5e6", snapId);
  }

  private static BaseSeal.Stamp stamp(long snapId, String host, Instant at) {
    return new BaseSeal.Stamp(ref(snapId), "0123456789abcdef", host, at);
  }

  private CacheEntry entry(String id) throws Exception {
    return CacheFixture.create(root.resolve(id), "").add(id, CacheFixture.randomImage(5 << 20, 3));
  }

  @Test
  void body_parsedBack_describesTheRecordAndSnapshot() throws Exception {
    CacheEntry e = entry("img");
    BaseSeal seal = BaseSeal.of(e.record(), stamp(7, "host-a\nline", Instant.parse("2026-01-02T03:04:05Z")));

    BaseSeal back = BaseSeal.parse(seal.body()).orElseThrow();

    assertThat(back.body()).isEqualTo(seal.body());
    assertThat(back.mismatch(e.record(), ref(7))).isEmpty();
    assertThat(back.sealedBy()).isEqualTo("host-a\nline at 2026-01-02T03:04:05Z");
  }

  @Test
  void mismatch_otherSnapshotOrOtherImage_saysWhy() throws Exception {
    CacheEntry e = entry("img");
    BaseSeal seal = BaseSeal.of(e.record(), stamp(7, "h", Instant.EPOCH));

    assertThat(seal.mismatch(e.record(), ref(8))).get().asString().contains("snapshot");
    assertThat(seal.mismatch(entry("other").record(), ref(7))).get().asString().contains("image img");
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

  private static io.imgtrust.core.metadata.ImageMetadata meta(String id, long size, byte digestByte) {
    byte[] d = new byte[64];
    d[0] = digestByte;
    return io.imgtrust.core.metadata.ImageMetadata.builder().id(id).diskFormat("raw").size(size).multihash(
        io.imgtrust.core.metadata.ImageMetadata.Digest.of(io.imgtrust.core.metadata.HashAlgorithm.SHA512, d)).build();
  }

  private static BaseSeal storeSeal(io.imgtrust.core.metadata.ImageMetadata m) {
    String hex = com.google.common.io.BaseEncoding.base16().lowerCase().encode(m.expectedDigest().get().value());
    return BaseSeal.ofStore(m.id(), "c0ffee", m.size(), java.util.Map.of("digest_algorithm", "sha512",
        "digest_field", "os_hash_value", "digest_value", hex), "rbd://f/images/img/snap", 42, stamp(7, "h", Instant.EPOCH));
  }

  @Test
  void storeSeal_parsedBack_matchesGlancesMetadataAndNamesItsSource() {
    io.imgtrust.core.metadata.ImageMetadata m = meta("img", 1 << 20, (byte) 1);

    BaseSeal back = BaseSeal.parse(storeSeal(m).body()).orElseThrow();

    assertThat(back.mismatch(m, ref(7))).isEmpty();
    assertThat(back.body()).contains("source=rbd://f/images/img/snap")
        .contains("source_snap_id=42");
  }

  @Test
  void storeSeal_otherDigestSizeImageOrSnapshot_saysWhy() {
    BaseSeal seal = storeSeal(meta("img", 1 << 20, (byte) 1));

    assertThat(seal.mismatch(meta("img", 1 << 20, (byte) 2), ref(7))).get().asString().contains("digest");
    assertThat(seal.mismatch(meta("img", 2 << 20, (byte) 1), ref(7))).get().asString().contains("bytes");
    assertThat(seal.mismatch(meta("other", 1 << 20, (byte) 1), ref(7))).get().asString().contains("image other");
    assertThat(seal.mismatch(meta("img", 1 << 20, (byte) 1), ref(8))).get().asString().contains("snapshot");
  }

  @Test
  void parse_backslashBeforeN_roundTripsExactly() throws Exception {
    CacheEntry e = entry("img");
    for (String host : new String[] {"a\\nb", "a\\\\nb", "a\\\nb", "tail\\", "\\\\"}) {
      BaseSeal seal = BaseSeal.of(e.record(), stamp(7, host, Instant.EPOCH));

      BaseSeal back = BaseSeal.parse(seal.body()).orElseThrow();

      assertThat(back.sealedBy()).as("host %s", host).isEqualTo(host + " at 1970-01-01T00:00:00Z");
      assertThat(back.body()).isEqualTo(seal.body());
    }
  }

  @Test
  void parse_loneOrUnknownEscape_empty() {
    assertThat(BaseSeal.parse("imgtrust-base v1\na=x\\\n")).isEmpty();
    assertThat(BaseSeal.parse("imgtrust-base v1\na=x\\t\n")).isEmpty();
  }

  @Test
  void mismatch_otherPoolClusterOrBaseImage_saysWhichRefusesTheReplay() throws Exception {
    CacheEntry e = entry("img");
    BaseSeal seal = BaseSeal.of(e.record(), stamp(7, "h", Instant.EPOCH));

    assertThat(seal.mismatch(e.record(), new BaseRef("fsid-a", 4, "10a2b3c4d5e6", 7))).get().asString()
        .contains("pool id 3");
    assertThat(seal.mismatch(e.record(), new BaseRef("fsid-b", 3, "10a2b3c4d5e6", 7))).get().asString()
        .contains("cluster fsid-a");
    assertThat(seal.mismatch(e.record(), new BaseRef("fsid-a", 3, "99", 7))).get().asString()
        .contains("image id 10a2b3c4d5e6");
  }

  @Test
  void keyFingerprint_sealedAndDistinctPerKey() throws Exception {
    ClusterKey k = ClusterKey.load(CephTestCluster.clusterKey(root.resolve("a.key")));
    ClusterKey other = ClusterKey.load(CephTestCluster.clusterKey(root.resolve("b.key")));
    BaseSeal seal = BaseSeal.of(entry("img").record(), new BaseSeal.Stamp(ref(7), k.fingerprint(), "h",
        Instant.EPOCH));

    assertThat(BaseSeal.parse(seal.body()).orElseThrow().keyFingerprint()).contains(k.fingerprint());
    assertThat(k.fingerprint()).hasSize(16).isEqualTo(k.fingerprint()).isNotEqualTo(other.fingerprint());
  }

  @Test
  void chunks_onlyTheListTheContentDigestBinds() throws Exception {
    CacheEntry e = entry("img");
    BaseSeal seal = BaseSeal.of(e.record(), stamp(7, "h", Instant.EPOCH));
    String text = BaseSeal.chunksText(e.record().chunks());
    String flipped = (text.charAt(0) == '0' ? "1" : "0") + text.substring(1);

    assertThat(seal.chunks(text)).contains(e.record().chunks());
    assertThat(seal.chunks(flipped)).isEmpty();
    assertThat(seal.chunks("")).isEmpty();
    assertThat(seal.chunks(text.substring(1))).isEmpty();
    assertThat(seal.chunks(text.toUpperCase(java.util.Locale.ROOT))).isEmpty();
  }
}
