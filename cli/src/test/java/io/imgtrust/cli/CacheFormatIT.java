package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.primitives.Bytes;
import io.imgtrust.core.format.VmdkWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and unwanted image formats through the real {@code imgtrust cache add}, with real qemu-img. */
class CacheFormatIT {
  private static final byte[] MARKER = "HOST-FILE-MARKER-7f3a".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path dir;
  private static Path defaults;
  private static Path vmdkAllowed;
  private static Path smallLimit;
  private static Path cacheDir;

  @BeforeAll
  static void setUp() throws Exception {
    String common = "[DEFAULT]\ninstances_path = " + dir.resolve("instances") + "\n[verification]\n"
        + "host_key_file = " + dir.resolve("host.key") + "\n" + ItFiles.NOT_IMMUTABLE;
    defaults = Files.writeString(dir.resolve("defaults.conf"), common);
    vmdkAllowed = Files.writeString(dir.resolve("vmdk.conf"), common + "allowed_disk_formats = raw,qcow2,vmdk\n");
    smallLimit = Files.writeString(dir.resolve("small.conf"), common + "max_virtual_size = 1M\n");
    cacheDir = dir.resolve("instances/_base");
  }

  private static OpensslPki.Result add(Path config, String id, String format, Path image) throws Exception {
    return Launcher.run(config, "cache", "add", image.toString(), "--meta",
        ItFiles.meta(dir, id, format, image, ItFiles.sha512(image)).toString());
  }

  /**
   * Refused UNSAFE_IMAGE with exit 3, and nothing of {@code id} in the cache: no file, no temporary, no record (its
   * lock file may stay, it holds no content).
   */
  private static JsonNode assertUnsafeAndNothingLeft(OpensslPki.Result r, String id) throws Exception {
    JsonNode j = assertRefused(r, 3, "UNSAFE_IMAGE");
    String name = ItFiles.cacheName(id);
    try (Stream<Path> s = Files.walk(cacheDir)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains(name) && !n.endsWith(".lock"))
          .toList()).isEmpty();
    }
    return j;
  }

  @Test
  void cacheAdd_vmdkWhoseFirstHeaderNamesAHostFile_unsafeAndNoHostByteCached() throws Exception {
    byte[] secret = new byte[1 << 20];
    for (int i = 0; i + MARKER.length <= secret.length; i += 512) {
      System.arraycopy(MARKER, 0, secret, i, MARKER.length);
    }
    Path host = Files.write(dir.resolve("host-secret.bin"), secret);
    Path attack = Files.write(dir.resolve("attack.vmdk"), VmdkWriter.hostFileAttack(host, secret.length / 512));

    JsonNode j = assertUnsafeAndNothingLeft(add(vmdkAllowed, "attack-1", "vmdk", attack), "attack-1");

    assertThat(j.toString()).contains("capacity 0");
    try (Stream<Path> s = Files.walk(cacheDir)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        assertThat(Bytes.indexOf(Files.readAllBytes(f), MARKER)).as("host bytes in %s", f).isEqualTo(-1);
      }
    }
  }

  @Test
  void cacheAdd_rawDeclaredQed_unsafeFromQemuOpinion() throws Exception {
    Path qed = dir.resolve("img.qed");
    ItFiles.tool("qemu-img", "create", "-q", "-f", "qed", qed.toString(), "16M");

    JsonNode j = assertUnsafeAndNothingLeft(add(defaults, "qed-1", "raw", qed), "qed-1");

    assertThat(j.toString()).contains("qemu-img info").contains("qed");
  }

  @Test
  void cacheAdd_vmdkByDefault_unsafeNamingTheOptionAndAcceptedWhenOptedIn() throws Exception {
    Path raw = dir.resolve("vmdk-data.raw");
    ItFiles.writeImage(raw, 4L << 20, 9, 0);
    Path vmdk = dir.resolve("opt-in.vmdk");
    ItFiles.tool("qemu-img", "convert", "-q", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized",
        raw.toString(), vmdk.toString());

    JsonNode j = assertUnsafeAndNothingLeft(add(defaults, "vmdk-1", "vmdk", vmdk), "vmdk-1");
    OpensslPki.Result ok = add(vmdkAllowed, "vmdk-1", "vmdk", vmdk);

    assertThat(j.toString()).contains("allowed_disk_formats");
    assertThat(ok.exitCode()).as(ok.describe()).isZero();
    assertThat(ItFiles.sha512(cacheDir.resolve(ItFiles.cacheName("vmdk-1")))).isEqualTo(ItFiles.sha512(raw));
  }

  @Test
  void cacheAdd_qcow2AboveMaxVirtualSize_unsafeWithDefaultAndLoweredLimit() throws Exception {
    Path huge = dir.resolve("huge.qcow2");
    ItFiles.tool("qemu-img", "create", "-q", "-f", "qcow2", huge.toString(), "2T");
    Path small = dir.resolve("small.qcow2");
    ItFiles.tool("qemu-img", "create", "-q", "-f", "qcow2", small.toString(), "64M");

    List<JsonNode> refusals = List.of(
        assertUnsafeAndNothingLeft(add(defaults, "huge-1", "qcow2", huge), "huge-1"),
        assertUnsafeAndNothingLeft(add(smallLimit, "small-1", "qcow2", small), "small-1"));

    assertThat(refusals).allSatisfy(j -> assertThat(j.toString()).contains("max_virtual_size"));
  }
}
