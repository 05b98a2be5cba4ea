package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.VerifiedCopy;
import io.imgtrust.core.io.FileSink;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a 4 TiB sparse qcow2 (a few MiB of data) is converted, sealed, rechecked and imported; with holes neither
 * read nor hashed this completes (no timing is asserted; reading 4 TiB of zeros would take an hour). Needs qemu-img
 * and qemu-io; a missing one fails the test.
 */
class SparseImageIT {
  private static final long TIB = 1L << 40;

  @TempDir Path root;

  private static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", List.of(argv), out).isZero();
  }

  @Test
  void fourTibSparseQcow2_convertsVerifiesAndImports() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "[image_cache]\nmax_virtual_size = 5T");
    Path qcow2 = Files.createDirectories(root.resolve("downloads")).resolve("big.qcow2");
    run("qemu-img", "create", "-q", "-f", "qcow2", qcow2.toString(), "4T");
    run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 1M", "-c", "write -P 0xa5 3T 5M", qcow2.toString());
    byte[] bytes = Files.readAllBytes(qcow2);
    ImageMetadata meta = ImageMetadata.builder().id("big").diskFormat("qcow2").size(bytes.length)
        .multihash(ImageMetadata.Digest.of(HashAlgorithm.SHA256, HashAlgorithm.SHA256.newDigest().digest(bytes)))
        .build();

    CacheEntry e = fx.cache.add(qcow2, meta);
    assertThat(e.record().size()).isEqualTo(4 * TIB);
    assertThat(e.record().chunks()).hasSize((int) (4 * TIB / DigestPlan.CHUNK_SIZE));
    assertThat(e.record().chunks().get(0)).isNotEqualTo(e.record().chunks().get(1));

    assertThat(fx.cache.verify("big").ok()).isTrue();

    Path disk = root.resolve("disk");
    try (FileSink sink = FileSink.create(disk)) {
      VerifiedCopy.of(e.file(), e.record().chunks(), e.record().size()).into(sink);
      sink.finish(e.record().size());
    }
    assertThat(Files.size(disk)).isEqualTo(4 * TIB);
    run("cmp", "-n", Long.toString(8L << 20), "-i", Long.toString(3 * TIB), e.file().toString(), disk.toString());
  }
}
