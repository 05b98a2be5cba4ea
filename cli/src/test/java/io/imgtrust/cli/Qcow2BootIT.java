package io.imgtrust.cli;

import static io.imgtrust.cli.ItFiles.tool;
import static io.imgtrust.cli.ItFiles.tryTool;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The qcow2 backend with a real libvirtd and the real hook installed: boot, bit rot refused on start (virsh and
 * libvirt-java), refill and boot again, and hook refusals of unsafe chains.
 */
class Qcow2BootIT {
  private static final String URI = "qemu:///system";
  private static final Path HOOK = Path.of("/etc/libvirt/hooks/qemu.d/50-imgtrust-it");

  @TempDir static Path dir;
  private static Path config;
  private static Path instances;
  private static Path image;
  private static Path meta;
  private static final List<String> domains = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    instances = dir.resolve("instances");
    config = dir.resolve("imgtrust.conf");
    Files.writeString(config, "[DEFAULT]\ninstances_path = " + instances + "\n" + ItFiles.NOT_IMMUTABLE
        + "[verification]\nhost_key_file = "
        + dir.resolve("host.key") + "\n");
    image = dir.resolve("base.raw");
    meta = ItFiles.meta(dir, "q-1", "raw", image, writeImage(image, 16L << 20, 21, 0));
    assertThat(Launcher.run(config, "cache", "add", image.toString(), "--meta", meta.toString()).exitCode())
        .isZero();
    assertThat(Launcher.run(config, "hook", "install", "--name", HOOK.getFileName().toString()).exitCode())
        .isZero();
    tool(Launcher.locate().getParent().resolve("scripts/libvirt-up.sh").toString(), "--restart");
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (String d : domains) {
      tryTool("virsh", "-c", URI, "destroy", d);
      tryTool("virsh", "-c", URI, "undefine", d);
    }
    Files.deleteIfExists(HOOK);
    tool(Launcher.locate().getParent().resolve("scripts/libvirt-up.sh").toString(), "--restart");
  }

  private static String name(String n) {
    String d = "imgtrust-it-" + n;
    domains.add(d);
    return d;
  }

  private static Path base() {
    return instances.resolve("_base").resolve(ItFiles.cacheName("q-1"));
  }

  @Test
  void bootRotRefillBoot_throughVirshAndLibvirtJava() throws Exception {
    String d = name("q-boot");
    OpensslPki.Result r = Launcher.run(config, "spawn", "--instance", d, "--image", "q-1", "--images-type", "qcow2",
        "--size", "64M", "--boot");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(json(r).at("/domain/state").asText()).isEqualTo("running");
    assertThat(tool("stat", "-c", "%U", base().toString()).stdout().strip()).as("dynamic ownership chowned the base")
        .isNotEqualTo("root");
    assertThat(Launcher.run(config, "cache", "verify", "q-1").exitCode()).as("read-only checks still work")
        .isZero();
    tool("virsh", "-c", URI, "destroy", d);

    ItFiles.rot(base(), 5_000_000);

    OpensslPki.Result start = tryTool("virsh", "-c", URI, "start", d);
    assertThat(start.exitCode()).isNotZero();
    assertThat(start.stderr()).contains("imgtrust: ").containsAnyOf("DIGEST_MISMATCH", "RECORD_INVALID",
        "NOT_CACHED");
    Connect c = new Connect(URI, false);
    try {
      LibvirtException e = org.assertj.core.api.Assertions.catchThrowableOfType(LibvirtException.class,
          () -> c.domainLookupByName(d).create());
      assertThat(e).isNotNull();
      assertThat(e.getError().getMessage()).contains("imgtrust: ");
    } finally {
      c.close();
    }

    assertThat(Launcher.run(config, "cache", "add", image.toString(), "--meta", meta.toString()).exitCode())
        .isZero();
    tool("virsh", "-c", URI, "start", d);
    assertThat(tool("virsh", "-c", URI, "domstate", d).stdout()).contains("running");
  }

  private OpensslPki.Result hook(String domainXml) throws Exception {
    Path xml = Files.writeString(dir.resolve("hook-input.xml"), domainXml);
    List<String> cmd = new ArrayList<>(List.of(Launcher.locate().toString(), "--config", config.toString(), "hook",
        "qemu", "dom", "prepare", "begin", "-"));
    Path out = dir.resolve("hook.out");
    Path err = dir.resolve("hook.err");
    Process p = new ProcessBuilder(cmd).redirectInput(xml.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    p.waitFor();
    return new OpensslPki.Result(cmd, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String diskXml(Path overlay) {
    return "<domain type='qemu'><name>x</name><devices><disk type='file' device='disk'><driver name='qemu' "
        + "type='qcow2'/><source file='" + overlay + "'/><target dev='vda'/></disk></devices></domain>";
  }

  @Test
  void hook_backingFileOutsideCache_refusedUntrusted() throws Exception {
    Path outside = dir.resolve("outside.raw");
    writeImage(outside, 1 << 20, 22, 0);
    Path ov = dir.resolve("outside.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", "-b", outside.toString(), "-F", "raw", ov.toString());

    OpensslPki.Result r = hook(diskXml(ov));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr().strip()).startsWith("imgtrust: UNTRUSTED_BACKING_FILE:").doesNotContain("\n");
  }

  @Test
  void hook_jsonBackingName_refusedUnsafe() throws Exception {
    Path ov = dir.resolve("json.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", ov.toString(), "1M");
    tool("qemu-img", "rebase", "-u", "-f", "qcow2", "-b", "json:{\"file.driver\":\"file\",\"file.filename\":\""
        + base() + "\"}", "-F", "raw", ov.toString());

    OpensslPki.Result r = hook(diskXml(ov));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).contains("UNSAFE_IMAGE").contains("json");
  }

  @Test
  void hook_missingBackingFormat_refusedUnsafe() throws Exception {
    Path ov = dir.resolve("noformat.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", "-b", base().toString(), "-F", "raw", ov.toString());
    // qemu-img 7.2 no longer writes a backing name without a format: end the header extensions where the
    // backing-format extension (0xE2792ACA) starts, as an older qemu-img would have left it.
    byte[] b = Files.readAllBytes(ov);
    int at = indexOf(b, new byte[] {(byte) 0xE2, 0x79, 0x2A, (byte) 0xCA});
    assertThat(at).isPositive();
    java.util.Arrays.fill(b, at, at + 8, (byte) 0);
    Files.write(ov, b);

    OpensslPki.Result r = hook(diskXml(ov));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).contains("UNSAFE_IMAGE").containsIgnoringCase("format");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void hook_overlayWithDataFile_refusedUnsafe() throws Exception {
    Path ov = dir.resolve("datafile.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", "-o", "data_file=" + dir.resolve("data.bin"), ov.toString(), "1M");

    OpensslPki.Result r = hook(diskXml(ov));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).contains("UNSAFE_IMAGE");
  }

  @Test
  void hook_otherOperations_passAtOnce() throws Exception {
    List<String> cmd = List.of(Launcher.locate().toString(), "hook", "qemu", "dom", "release", "end", "-");
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().write("<domain/>".getBytes());
    p.getOutputStream().close();

    assertThat(p.waitFor()).isZero();
  }

  private static String rawDiskXml(Path file, String device) {
    return "<domain type='qemu'><name>x</name><devices><disk type='file' device='" + device + "'><driver "
        + "name='qemu' type='raw'/><source file='" + file + "'/><target dev='vda'/></disk></devices></domain>";
  }

  @Test
  void hook_rawDiskOrCdromOnRottenCacheFile_refusedAndQuarantineNotUsableAsBacking() throws Exception {
    Path img = dir.resolve("direct.raw");
    Path m = ItFiles.meta(dir, "q-direct", "raw", img, writeImage(img, 8L << 20, 23, 0));
    assertThat(Launcher.run(config, "cache", "add", img.toString(), "--meta", m.toString()).exitCode()).isZero();
    Path cached = instances.resolve("_base").resolve(ItFiles.cacheName("q-direct"));
    assertThat(hook(rawDiskXml(cached, "cdrom")).exitCode()).as("intact cache file").isZero();
    ItFiles.rot(cached, 4096);

    OpensslPki.Result r = hook(rawDiskXml(cached, "disk"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).contains("DIGEST_MISMATCH");
    Path quarantined;
    try (var s = Files.list(instances.resolve("_base/.quarantine"))) {
      quarantined = s.filter(p -> p.getFileName().toString().startsWith(ItFiles.cacheName("q-direct"))
          && !p.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    Path ov = dir.resolve("on-quarantine.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", "-u", "-b", quarantined.toString(), "-F", "raw", ov.toString(), "8M");

    OpensslPki.Result q = hook(diskXml(ov));

    assertThat(q.exitCode()).isEqualTo(3);
    assertThat(q.stderr()).contains("UNTRUSTED_BACKING_FILE");
  }
}
