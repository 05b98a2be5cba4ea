package io.imgtrust.cli;

import static io.imgtrust.cli.ItFiles.tool;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.assertRefused;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgtrust.host.DomainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code imgtrust spawn} with the flat and ploop backends against real qemu-img, a real libvirtd, a full file system, SIGKILL. */
class SpawnIT {
  @TempDir static Path dir;
  private static Path config;
  private static Path instances;
  private static Path image;
  private static String imageSha;

  @BeforeAll
  static void setUp() throws Exception {
    // qemu runs as another user; it must be able to reach the disks (instances_path is 0755 in production).
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    instances = dir.resolve("instances");
    config = writeConfig(dir, instances);
    image = dir.resolve("image.raw");
    imageSha = writeImage(image, (24L << 20) + 4096, 10, 4);
    assertThat(Launcher.run(config, "cache", "add", image.toString(), "--meta",
        ItFiles.meta(dir, "img-1", "raw", image, imageSha).toString()).exitCode()).isZero();
  }

  static Path writeConfig(Path at, Path instancesPath) throws Exception {
    Path c = Files.createTempFile(at, "imgtrust-", ".conf");
    Files.writeString(c, "[DEFAULT]\ninstances_path = " + instancesPath + "\n" + ItFiles.NOT_IMMUTABLE
        + "[verification]\nhost_key_file = "
        + at.resolve("host.key") + "\n");
    return c;
  }

  private static OpensslPki.Result spawn(Path cfg, String instance, String imageId, String... more) {
    return spawnAs("flat", cfg, instance, imageId, more);
  }

  private static OpensslPki.Result spawnAs(String type, Path cfg, String instance, String imageId, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("spawn", "--instance", instance, "--image", imageId,
        "--images-type", type));
    args.addAll(List.of(more));
    return Launcher.run(cfg, args.toArray(new String[0]));
  }

  private static List<String> names(Path d) throws Exception {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void spawnFlat_grownDisk_qemuImgSaysIdenticalAndVirtualSizeIsRequested() throws Exception {
    OpensslPki.Result r = spawn(config, "vm-grow", "img-1", "--size", "64M");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    Path disk = Path.of(json(r).at("/disk/target").asText());
    assertThat(tool("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), disk.toString()).stdout())
        .contains("Images are identical");
    JsonNode info = Output.mapper().readTree(tool("qemu-img", "info", "--output=json", "-f", "raw", disk.toString())
        .stdout());
    assertThat(info.get("virtual-size").asLong()).isEqualTo(64L << 20);
    assertThat(json(r).at("/verification/bytes_verified").asLong()).isEqualTo(Files.size(image));
  }

  @Test
  void spawnFlat_mostlyZeroImage_diskAllocatesFarLessThanItsSize() throws Exception {
    Path sparse = dir.resolve("sparse.raw");
    String sha = writeImage(sparse, 64L << 20, 11, 32);
    assertThat(Launcher.run(config, "cache", "add", sparse.toString(), "--meta",
        ItFiles.meta(dir, "sparse-1", "raw", sparse, sha).toString()).exitCode()).isZero();

    OpensslPki.Result r = spawn(config, "vm-sparse", "sparse-1");

    Path disk = Path.of(json(r).at("/disk/target").asText());
    assertThat(ItFiles.allocated(disk)).isLessThan(8L << 20);
    assertThat(Files.size(disk)).isEqualTo(64L << 20);
    assertThat(tool("qemu-img", "compare", "-f", "raw", "-F", "raw", sparse.toString(), disk.toString()).exitCode())
        .isZero();
  }

  @Test
  void spawnFlat_bootsARealLibvirtDomain() throws Exception {
    OpensslPki.Result r = spawn(config, "vm-boot", "img-1", "--size", "64M");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    String domain = "imgtrust-it-flat-" + ProcessHandle.current().pid();
    Path xml = dir.resolve(domain + ".xml");
    Files.writeString(xml, DomainSpec.of(domain, 64, 1).toXml(json(r).at("/disk/xml").asText()));
    try {
      tool("virsh", "-c", "qemu:///system", "define", xml.toString());
      tool("virsh", "-c", "qemu:///system", "start", domain);
      assertThat(tool("virsh", "-c", "qemu:///system", "domstate", domain).stdout()).contains("running");
    } finally {
      ItFiles.tryTool("virsh", "-c", "qemu:///system", "destroy", domain);
      ItFiles.tryTool("virsh", "-c", "qemu:///system", "undefine", domain);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"flat", "ploop"})
  void spawn_bitRotInCache_exit3NamesChunkNothingLeftEntryQuarantined(String type) throws Exception {
    String id = "rot-" + type;
    Path img = dir.resolve(id + ".raw");
    String sha = writeImage(img, 12L << 20, 12, 0);
    assertThat(Launcher.run(config, "cache", "add", img.toString(), "--meta",
        ItFiles.meta(dir, id, "raw", img, sha).toString()).exitCode()).isZero();
    Path cached = instances.resolve("_base").resolve(ItFiles.cacheName(id));
    ItFiles.rot(cached, (9L << 20) + 77);

    JsonNode j = assertRefused(spawnAs(type, config, "vm-" + id, id), 3, "DIGEST_MISMATCH");

    assertThat(j.get("offset").asLong()).isEqualTo(8L << 20);
    assertThat(names(instances.resolve("vm-" + id))).isEmpty();
    assertThat(Files.exists(cached)).isFalse();
    assertThat(json(Launcher.run(config, "cache", "quarantine")).get("quarantined").findValuesAsText("image_id"))
        .contains(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"flat", "ploop"})
  void spawn_fileSystemFull_exit4AndNothingLeft(String type) throws Exception {
    Path fsImage = dir.resolve("small-fs-" + type + ".img");
    Path mnt = Files.createDirectories(dir.resolve("small-fs-" + type));
    tool("truncate", "-s", "72M", fsImage.toString());
    tool("mkfs.ext4", "-q", "-F", "-m", "0", fsImage.toString());
    tool("mount", "-o", "loop", fsImage.toString(), mnt.toString());
    try {
      Path cfg = writeConfig(dir, mnt.resolve("instances"));
      Path img = dir.resolve("full.raw");
      String sha = writeImage(img, 40L << 20, 13, 0);
      assertThat(Launcher.run(cfg, "cache", "add", img.toString(), "--meta",
          ItFiles.meta(dir, "full-1", "raw", img, sha).toString()).exitCode()).isZero();

      JsonNode j = assertRefused(spawnAs(type, cfg, "vm-full", "full-1"), 4, "IO_ERROR");

      assertThat(j.get("message").asText()).containsIgnoringCase("space");
      assertThat(names(mnt.resolve("instances/vm-full"))).isEmpty();
      assertThat(Files.exists(mnt.resolve("instances/vm-full"))).isFalse();
      assertThat(Launcher.run(cfg, "cache", "verify", "full-1").exitCode()).as("the cache entry is fine").isZero();
    } finally {
      ItFiles.tryTool("umount", mnt.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"flat", "ploop"})
  void spawn_killedMidImport_leavesNoDiskAndALaterSpawnSucceeds(String type) throws Exception {
    Path big = dir.resolve("big.raw");
    if (!Files.exists(big)) {
      String sha = writeImage(big, 768L << 20, 14, 0);
      assertThat(Launcher.run(config, "cache", "add", big.toString(), "--meta",
          ItFiles.meta(dir, "big-1", "raw", big, sha).toString()).exitCode()).isZero();
    }
    String instance = "vm-kill-" + type;
    String diskName = type.equals("flat") ? "disk" : "disk.ploop";
    Path vm = instances.resolve(instance);
    Process p = new ProcessBuilder(Launcher.command(config, "spawn", "--instance", instance, "--image", "big-1",
        "--images-type", type)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Path partial = null;
    while (partial == null && p.isAlive() && System.nanoTime() < deadline) {
      for (String n : names(vm)) {
        if (n.startsWith(".") && bytesUnder(vm.resolve(n)) > (64 << 20)) {
          partial = vm.resolve(n);
        }
      }
      Thread.sleep(5);
    }
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(partial).as("the kill hit the import").isNotNull();
    assertThat(names(vm)).doesNotContain(diskName);

    OpensslPki.Result again = spawnAs(type, config, instance, "big-1");

    assertThat(again.exitCode()).as(again.describe()).isZero();
    assertThat(names(vm)).containsExactly(diskName);
    Path disk = Path.of(json(again).at("/disk/target").asText());
    assertThat(tool("qemu-img", "compare", "-f", "raw", "-F", type.equals("flat") ? "raw" : "parallels",
        big.toString(), disk.toString()).exitCode()).isZero();
  }

  private static long bytesUnder(Path p) throws Exception {
    if (!Files.isDirectory(p)) {
      return Files.exists(p) ? Files.size(p) : 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (java.io.IOException e) {
          return 0;
        }
      }).sum();
    }
  }

  @Test
  void spawn_unknownImagesType_exit2NamesOption() {
    JsonNode j = assertRefused(Launcher.run(config, "spawn", "--instance", "x", "--image", "img-1",
        "--images-type", "floppy"), 2, "BAD_CONFIG");

    assertThat(j.get("message").asText()).contains("floppy");
  }

  @Test
  void spawn_sizeBelowImage_exit2FlavorTooSmall() {
    assertRefused(spawn(config, "vm-small", "img-1", "--size", "1M"), 2, "FLAVOR_TOO_SMALL");
  }

  @Test
  void spawnFlat_bootFlag_definesAndStartsTheDomainThroughLibvirtJava() throws Exception {
    String d = "imgtrust-it-boot-" + ProcessHandle.current().pid();
    try {
      OpensslPki.Result r = spawn(config, d, "img-1", "--size", "64M", "--boot");

      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(json(r).at("/domain/state").asText()).isEqualTo("running");
      assertThat(tool("virsh", "-c", "qemu:///system", "domstate", d).stdout()).contains("running");
    } finally {
      ItFiles.tryTool("virsh", "-c", "qemu:///system", "destroy", d);
      ItFiles.tryTool("virsh", "-c", "qemu:///system", "undefine", d);
    }
  }

  @Test
  void spawnFlat_bootFailsInLibvirt_undoLeavesNoDomainAndNoDisk() throws Exception {
    // qemu (another user) cannot reach disks under a 0700 directory: define works, start fails.
    Path hidden = Files.createDirectories(dir.resolve("hidden"));
    Files.setPosixFilePermissions(hidden, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path cfg = writeConfig(dir, hidden.resolve("instances"));
    assertThat(Launcher.run(cfg, "cache", "add", image.toString(), "--meta",
        ItFiles.meta(dir, "img-1", "raw", image, imageSha).toString()).exitCode()).isZero();
    String d = "imgtrust-it-undo-" + ProcessHandle.current().pid();

    JsonNode j = assertRefused(spawn(cfg, d, "img-1", "--boot"), 4, "LIBVIRT_ERROR");

    assertThat(j.get("message").asText()).containsIgnoringCase("permission");
    assertThat(ItFiles.tryTool("virsh", "-c", "qemu:///system", "dominfo", d).exitCode()).as("no domain left")
        .isNotZero();
    assertThat(names(hidden.resolve("instances").resolve(d))).isEmpty();
  }

  @Test
  void spawnFlat_bootOntoExistingDomainName_refusedAndDiskRemoved() throws Exception {
    String d = "imgtrust-it-taken-" + ProcessHandle.current().pid();
    Path xml = Files.writeString(dir.resolve(d + ".xml"), DomainSpec.of(d, 64, 1).toXml(""));
    tool("virsh", "-c", "qemu:///system", "define", xml.toString());
    try {
      assertRefused(spawn(config, d, "img-1", "--boot"), 4, "TARGET_EXISTS");

      assertThat(names(instances.resolve(d))).isEmpty();
      assertThat(tool("virsh", "-c", "qemu:///system", "dominfo", d).stdout()).contains(d);
    } finally {
      ItFiles.tryTool("virsh", "-c", "qemu:///system", "undefine", d);
    }
  }
}
