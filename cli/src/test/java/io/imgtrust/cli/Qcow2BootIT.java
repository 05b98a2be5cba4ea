package io.imgtrust.cli;

import static io.imgtrust.cli.ItFiles.tool;
import static io.imgtrust.cli.ItFiles.tryTool;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.host.DomainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The qcow2 backend with a real libvirtd and the real hook installed: boot (the base stays root's and read-only),
 * bit rot refused on start (virsh and libvirt-java), refill and boot again, hook refusals of unsafe chains, of other
 * formats and of domains that would relabel a cache file, volume disks of a pool on the cache, and the log line.
 */
class Qcow2BootIT {
  private static final String URI = "qemu:///system";
  private static final Path HOOK = Path.of("/etc/libvirt/hooks/qemu.d/50-imgtrust-it");
  private static final String POOL = "imgtrust-it-base";
  private static final String PREFIX = "imgtrust-it-q-";
  private static final String NO_DAC = "<seclabel model='dac' relabel='no'/>";

  @TempDir static Path dir;
  private static Path config;
  private static Path instances;
  private static Path image;
  private static Path meta;
  private static final List<String> domains = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    removeLeftovers();
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
    assertThat(Launcher.run(config, "hook", "install", "--name", HOOK.getFileName().toString(),
        "--domains", PREFIX + "*").exitCode())
        .isZero();
    tool(Launcher.locate().getParent().resolve("scripts/libvirt-up.sh").toString(), "--restart");
  }

  @AfterAll
  static void tearDown() throws Exception {
    domains.forEach(Qcow2BootIT::removeDomain);
    removePool();
    Files.deleteIfExists(HOOK);
    tool(Launcher.locate().getParent().resolve("scripts/libvirt-up.sh").toString(), "--restart");
  }

  /** The domains (fixed names, {@link #name}) and the pool a killed run of this class left behind. */
  private static void removeLeftovers() {
    for (String d : tryTool("virsh", "-c", URI, "list", "--all", "--name").stdout().split("\n")) {
      if (d.strip().startsWith(PREFIX)) {
        removeDomain(d.strip());
      }
    }
    removePool();
  }

  private static void removeDomain(String d) {
    tryTool("virsh", "-c", URI, "destroy", d);
    tryTool("virsh", "-c", URI, "undefine", d);
  }

  private static void removePool() {
    tryTool("virsh", "-c", URI, "pool-destroy", POOL);
    tryTool("virsh", "-c", URI, "pool-undefine", POOL);
  }

  private static String name(String n) {
    String d = PREFIX + n;
    domains.add(d);
    return d;
  }

  private static Path base() {
    return instances.resolve("_base").resolve(ItFiles.cacheName("q-1"));
  }

  @Test
  void bootRotRefillBoot_throughVirshAndLibvirtJava() throws Exception {
    String d = name("boot");
    OpensslPki.Result r = Launcher.run(config, "spawn", "--instance", d, "--image", "q-1", "--images-type", "qcow2",
        "--size", "64M", "--boot");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(json(r).at("/domain/state").asText()).isEqualTo("running");
    assertBaseNotHandedToQemu(base());
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

  /** The base is root's, read-only, and the QEMU user cannot make it writable (libvirt did not relabel it). */
  private static void assertBaseNotHandedToQemu(Path base) {
    assertThat(tool("stat", "-c", "%u %a", base.toString()).stdout().strip()).as("owner and mode of %s", base)
        .isEqualTo("0 444");
    OpensslPki.Result chmod = tryTool("setpriv", "--reuid=libvirt-qemu", "--regid=libvirt-qemu", "--clear-groups",
        "chmod", "u+w", base.toString());
    assertThat(chmod.exitCode()).as("the QEMU user's chmod u+w: %s", chmod.stderr()).isNotZero();
    assertThat(tool("stat", "-c", "%a", base.toString()).stdout().strip()).isEqualTo("444");
  }

  private OpensslPki.Result hook(String domainXml) throws Exception {
    return hook(config, domainXml);
  }

  private OpensslPki.Result hook(Path conf, String domainXml, String... options) throws Exception {
    Path xml = Files.writeString(dir.resolve("hook-input.xml"), domainXml);
    List<String> cmd = new ArrayList<>(List.of(Launcher.locate().toString(), "--config", conf.toString()));
    cmd.addAll(List.of(options));
    cmd.addAll(List.of("hook", "qemu", "--", "dom", "prepare", "begin", "-"));
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
    List<String> cmd = List.of(Launcher.locate().toString(), "hook", "qemu", "--", "dom", "release", "end", "-");
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().write("<domain/>".getBytes());
    p.getOutputStream().close();

    assertThat(p.waitFor()).isZero();
  }

  /** A cache file used directly: allowed read-only and not relabelled, and then rechecked. */
  private static String rawDiskXml(Path file, String device) {
    return "<domain type='qemu'><name>x</name><devices><disk type='file' device='" + device + "'><driver "
        + "name='qemu' type='raw'/><source file='" + file + "'>" + NO_DAC + "</source><readonly/>"
        + "<target dev='vda'/></disk></devices></domain>";
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

  private static String overlayDisk(String format, Path overlay, String backingStore) {
    return "<disk type='file' device='disk'><driver name='qemu' type='" + format + "'/><source file='" + overlay
        + "'>" + NO_DAC + "</source>" + backingStore + "<target dev='vda' bus='virtio'/></disk>";
  }

  private static String pinnedBase(String seclabels) {
    return "<backingStore type='file'><format type='raw'/><source file='" + base() + "'>" + seclabels + "</source>"
        + "<backingStore/></backingStore>";
  }

  private static OpensslPki.Result defineAndStart(String name, String disk) throws Exception {
    Path xml = Files.writeString(dir.resolve(name + ".xml"), DomainSpec.of(name, 128, 1).toXml(disk));
    tool("virsh", "-c", URI, "define", xml.toString());
    return tryTool("virsh", "-c", URI, "start", name);
  }

  @Test
  void virshStart_overlayWhoseBackingStoreLacksNoRelabel_refusedUnsafeDomainBaseStaysRoot() throws Exception {
    String d = name("relabel");
    Path ov = dir.resolve("relabel.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", "-b", base().toString(), "-F", "raw", ov.toString());
    String disk = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + ov + "'/>"
        + pinnedBase("") + "<target dev='vda' bus='virtio'/></disk>";

    OpensslPki.Result direct = hook(DomainSpec.of(d, 128, 1).toXml(disk));
    OpensslPki.Result start = defineAndStart(d, disk);

    assertThat(direct.exitCode()).isEqualTo(3);
    assertThat(direct.stderr()).contains("imgtrust: UNSAFE_DOMAIN").contains("relabel='no'");
    assertThat(start.exitCode()).as(start.describe()).isNotZero();
    assertThat(start.stderr()).contains("imgtrust: UNSAFE_DOMAIN");
    assertBaseNotHandedToQemu(base());
  }

  @ParameterizedTest
  @ValueSource(strings = {"qed", "qcow", "vmdk"})
  void hook_otherFormatReadingTheBase_refusedUnsafeImage(String format) throws Exception {
    Path ov = dir.resolve("other." + format);
    if (format.equals("vmdk")) {
      // qemu-img only makes vmdk overlays on vmdk bases; a flat extent reads the base just as well.
      Files.writeString(ov, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
          + "createType=\"monolithicFlat\"\nRW 2048 FLAT \"" + base() + "\" 0\n");
    } else {
      Files.deleteIfExists(ov);
      tool("qemu-img", "create", "-f", format, "-b", base().toString(), "-F", "raw", ov.toString());
    }

    OpensslPki.Result r = hook(DomainSpec.of("x", 128, 1).toXml(overlayDisk(format, ov, "")));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).startsWith("imgtrust: UNSAFE_IMAGE").contains("vda (" + ov + ")");
  }

  private static String volumeDisk(String volume, String sourceInner, String extra) {
    return "<disk type='volume' device='disk'><driver name='qemu' type='raw'/><source pool='" + POOL + "' volume='"
        + volume + "'>" + sourceInner + "</source>" + extra + "<target dev='vda' bus='virtio'/></disk>";
  }

  @Test
  void virshStart_volumeOfDirPoolOnBase_resolvedCheckedAndTamperedBaseRefused() throws Exception {
    Path img = dir.resolve("vol.raw");
    Path m = ItFiles.meta(dir, "q-vol", "raw", img, writeImage(img, 8L << 20, 24, 0));
    assertThat(Launcher.run(config, "cache", "add", img.toString(), "--meta", m.toString()).exitCode()).isZero();
    Path cached = instances.resolve("_base").resolve(ItFiles.cacheName("q-vol"));
    tool("virsh", "-c", URI, "pool-define-as", POOL, "dir", "--target", cached.getParent().toString());
    tool("virsh", "-c", URI, "pool-start", POOL);
    String vol = cached.getFileName().toString();

    OpensslPki.Result writable = hook(DomainSpec.of("x", 128, 1).toXml(volumeDisk(vol, "", "")));
    assertThat(writable.exitCode()).isEqualTo(3);
    assertThat(writable.stderr()).contains("imgtrust: UNSAFE_DOMAIN").contains(cached.toString());

    String d = name("vol");
    OpensslPki.Result intact = defineAndStart(d, volumeDisk(vol, NO_DAC, "<readonly/>"));
    assertThat(intact.exitCode()).as(intact.describe()).isZero();
    assertBaseNotHandedToQemu(cached);
    tool("virsh", "-c", URI, "destroy", d);
    ItFiles.rot(cached, 4096);

    OpensslPki.Result rotten = tryTool("virsh", "-c", URI, "start", d);

    assertThat(rotten.exitCode()).isNotZero();
    assertThat(rotten.stderr()).contains("imgtrust: DIGEST_MISMATCH");
  }

  @Test
  void hook_blockAndNetworkDisks_passAndTheLogLineNamesThem() throws Exception {
    Path log = dir.resolve("hook.log");
    Path conf = Files.writeString(dir.resolve("logging.conf"), Files.readString(config)
        .replace("[DEFAULT]\n", "[DEFAULT]\nlog_file = " + log + "\n"));
    Path ov = dir.resolve("logged.qcow2");
    tool("qemu-img", "create", "-f", "qcow2", "-b", base().toString(), "-F", "raw", ov.toString());
    String xml = DomainSpec.of("x", 128, 1).toXml(overlayDisk("qcow2", ov, pinnedBase(NO_DAC))
        + "<disk type='block' device='disk'><source dev='/dev/imgtrust-it-none'/><target dev='vdb'/></disk>"
        + "<disk type='network' device='disk'><source protocol='rbd' name='pool/img'/><target dev='vdc'/></disk>");

    OpensslPki.Result r = hook(conf, xml, "-v");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    String logged = r.stderr() + (Files.exists(log) ? Files.readString(log) : "");
    assertThat(logged).contains("before-boot check of domain x passed: vda (" + ov + "): qcow2; base " + base())
        .contains("rechecked").contains("vdb (/dev/imgtrust-it-none): passed, a block disk cannot be a cache file")
        .contains("vdc (rbd pool/img): passed, a network disk cannot be a cache file");
  }
}
