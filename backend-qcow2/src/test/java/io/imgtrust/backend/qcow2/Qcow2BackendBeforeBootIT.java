package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The qcow2 before-boot check on every kind of disk, against a real cache; overlays are made by the real
 * {@code qemu-img}, which must be installed. Storage pool definitions are read from a test directory.
 */
class Qcow2BackendBeforeBootIT {
  private static final String NO_DAC = "<seclabel model='dac' relabel='no'/>";

  @TempDir Path root;
  private CacheFixture fixture;
  private Qcow2Backend backend;
  private Path pools;
  private CacheEntry entry;
  private Path base;

  @BeforeEach
  void setUp() throws Exception {
    fixture = CacheFixture.create(root, "");
    pools = Files.createDirectories(root.resolve("pools"));
    backend = new Qcow2Backend(BackendContext.of(fixture.conf, fixture.cache), ImmutableList.of(pools));
    entry = fixture.add("img-1", CacheFixture.randomImage((1 << 20) + 3, 7));
    base = entry.file();
  }

  private static String domain(String head, String... disks) {
    return "<domain type='qemu'><name>t</name>" + head + "<devices>" + String.join("", disks)
        + "</devices></domain>";
  }

  private ImmutableList<String> check(String xml) throws ImageTrustException {
    return backend.checkDisks(DomainDisks.read(xml));
  }

  private ImageTrustException refused(String xml, Reason reason) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> backend.beforeBoot(xml));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    return e;
  }

  /** An image of {@code format} that reads the cache base: a backing file, or for vmdk a flat extent. */
  private Path overlay(String format) throws Exception {
    Path ov = root.resolve("overlay." + format);
    if (format.equals("vmdk")) {
      return Files.writeString(ov, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
          + "createType=\"monolithicFlat\"\nRW 2048 FLAT \"" + base + "\" 0\n");
    }
    List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", format, "-b", base.toString(),
        "-F", "raw", ov.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", cmd, out).isZero();
    return ov;
  }

  private static String fileDisk(String type, Path file, String sourceInner, String extra) {
    return "<disk type='file' device='disk'>" + (type.isEmpty() ? "" : "<driver name='qemu' type='" + type + "'/>")
        + "<source file='" + file + "'>" + sourceInner + "</source>" + extra + "<target dev='vda'/></disk>";
  }

  private static String pinned(Path overlay, Path base, String baseSeclabels) {
    return "<disk type='file'><driver type='qcow2'/><source file='" + overlay + "'/><backingStore type='file'>"
        + "<format type='raw'/><source file='" + base + "'>" + baseSeclabels + "</source><backingStore/>"
        + "</backingStore><target dev='vda'/></disk>";
  }

  @Test
  void beforeBoot_spawnedDisk_baseNotRelabelledAndRechecked() throws Exception {
    String disk = backend.prepare(SpawnRequest.of("vm-1", entry)).diskXml();

    assertThat(disk).contains("<source file='" + base + "'><seclabel model='dac' relabel='no'/>"
        + "<seclabel model='selinux' relabel='no'/></source>");
    assertThat(check(domain("", disk))).singleElement().asString().startsWith("vda (").contains("qcow2; base "
        + base + " of image img-1 rechecked (" + ((1 << 20) + 3) + " bytes hashed)");
  }

  @Test
  void beforeBoot_backingStoreWithoutDacNoRelabel_unsafeDomainWithFix() throws Exception {
    Path ov = overlay("qcow2");

    ImageTrustException e = refused(domain("", pinned(ov, base, "<seclabel model='selinux' relabel='no'/>")),
        Reason.UNSAFE_DOMAIN);

    assertThat(e.getMessage()).contains("vda").contains(base.toString())
        .contains("<seclabel model='dac' relabel='no'/>").contains("imgtrust spawn");
  }

  @ParameterizedTest
  @ValueSource(strings = {"<seclabel type='none' model='dac'/>", "<seclabel type='static' model='dac' "
      + "relabel='no'><label>+0:+0</label></seclabel>"})
  void beforeBoot_domainTurnsDacRelabelOff_passes(String seclabel) throws Exception {
    assertThat(check(domain(seclabel, pinned(overlay("qcow2"), base, "")))).singleElement().asString()
        .contains("rechecked");
  }

  @Test
  void beforeBoot_domainSeclabelNoneWithoutModel_unsafeDomain() throws Exception {
    refused(domain("<seclabel type='none'/>", pinned(overlay("qcow2"), base, "")), Reason.UNSAFE_DOMAIN);
  }

  @Test
  void beforeBoot_overlayWithoutBackingStore_unsafeDomainLibvirtWouldProbeAndRelabel() throws Exception {
    ImageTrustException e = refused(domain("", fileDisk("qcow2", overlay("qcow2"), "", "")), Reason.UNSAFE_DOMAIN);

    assertThat(e.getMessage()).contains("no <backingStore>");
  }

  @Test
  void beforeBoot_overlayWithoutBackingStoreButTopNotRelabelled_passes() throws Exception {
    assertThat(check(domain("", fileDisk("qcow2", overlay("qcow2"), NO_DAC, "")))).singleElement().asString()
        .contains("rechecked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"qed", "qcow", "vmdk"})
  void beforeBoot_otherFormatOverlayOnCacheBase_unsafeImageNamingTheDisk(String format) throws Exception {
    Path ov = overlay(format);

    ImageTrustException e = refused(domain("", fileDisk(format, ov, NO_DAC, "")), Reason.UNSAFE_IMAGE);

    assertThat(e.getMessage()).contains("vda (" + ov + ")").contains("'" + format + "'");
  }

  @Test
  void beforeBoot_noDriverTypeOnQcow2File_unsafeImage() throws Exception {
    ImageTrustException e = refused(domain("", fileDisk("", overlay("qcow2"), NO_DAC, "")), Reason.UNSAFE_IMAGE);

    assertThat(e.getMessage()).contains("no driver type").contains("qcow2");
  }

  @Test
  void beforeBoot_noDriverTypeOnRawFileOutsideCache_passesAsRaw() throws Exception {
    Path raw = Files.write(root.resolve("plain.raw"), new byte[4096]);

    assertThat(check(domain("", fileDisk("", raw, "", "")))).singleElement().asString()
        .contains("no driver type, raw bytes");
  }

  @Test
  void beforeBoot_ploopDriverOnNonParallelsFile_unsafeImage() throws Exception {
    Path raw = Files.write(root.resolve("fake.hds"), new byte[4096]);

    refused(domain("", fileDisk("ploop", raw, "", "")), Reason.UNSAFE_IMAGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "<readonly/>", "<readonly/>#<seclabel model='dac' relabel='yes'/>"})
  void beforeBoot_cacheFileUsedDirectlyWritableOrRelabelled_unsafeDomain(String spec) throws Exception {
    String[] parts = (spec + "#").split("#", -1);

    ImageTrustException e = refused(domain("", fileDisk("raw", base, parts[1], parts[0])), Reason.UNSAFE_DOMAIN);

    assertThat(e.getMessage()).contains("<readonly/>");
  }

  @Test
  void beforeBoot_cacheFileUsedDirectlyReadOnlyNotRelabelled_rechecked() throws Exception {
    assertThat(check(domain("", fileDisk("raw", base, NO_DAC, "<readonly/>")))).singleElement().asString()
        .contains("cache file used directly").contains("rechecked");
  }

  private String volumeDisk(String type, String volume, String sourceInner, String extra) {
    return "<disk type='volume' device='disk'><driver name='qemu' type='" + type + "'/><source pool='cachepool' "
        + "volume='" + volume + "'>" + sourceInner + "</source>" + extra + "<target dev='vdb'/></disk>";
  }

  private void dirPool(Path dir) throws Exception {
    Files.writeString(pools.resolve("cachepool.xml"), "<pool type='dir'><name>cachepool</name><target><path>" + dir
        + "</path></target></pool>");
  }

  @Test
  void beforeBoot_volumeOfDirPoolOnCache_resolvedAndRefusedWhenWritable() throws Exception {
    dirPool(fixture.cache.directory());

    ImageTrustException e = refused(domain("", volumeDisk("raw", base.getFileName().toString(), "", "")),
        Reason.UNSAFE_DOMAIN);

    assertThat(e.getMessage()).contains(base.toString()).contains("pool cachepool volume");
  }

  @Test
  void beforeBoot_volumeOfDirPoolOnRottenCacheFile_digestMismatch() throws Exception {
    dirPool(fixture.cache.directory());
    CacheFixture.rot(base, 4096);

    refused(domain("", volumeDisk("raw", base.getFileName().toString(), NO_DAC, "<readonly/>")),
        Reason.DIGEST_MISMATCH);
  }

  @Test
  void beforeBoot_volumeOfUnknownPool_unsafeDomain() throws Exception {
    refused(domain("", volumeDisk("raw", "v", "", "")), Reason.UNSAFE_DOMAIN);
  }

  @Test
  void beforeBoot_volumeOfQcow2OverlayInDirPool_chainChecked() throws Exception {
    Path ov = overlay("qcow2");
    dirPool(ov.getParent());

    refused(domain("", volumeDisk("qcow2", ov.getFileName().toString(), "", "")), Reason.UNSAFE_DOMAIN);
    assertThat(check(domain("", volumeDisk("qcow2", ov.getFileName().toString(), NO_DAC, "")))).singleElement()
        .asString().contains("volume of dir pool is " + ov).contains("rechecked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cache", "instances"})
  void beforeBoot_dirDiskOnOrAboveCache_unsafeDomain(String which) throws Exception {
    Path dir = which.equals("cache") ? fixture.cache.directory() : fixture.cache.directory().getParent();

    refused(domain("", "<disk type='dir' device='disk'><source dir='" + dir + "'/><target dev='hda'/></disk>"),
        Reason.UNSAFE_DOMAIN);
  }

  @Test
  void beforeBoot_blockNetworkDirElsewhereAndEmptyCdrom_passWithReasons() throws Exception {
    Path other = Files.createDirectories(root.resolve("shared"));

    ImmutableList<String> notes = check(domain("",
        "<disk type='block'><driver type='raw'/><source dev='/dev/sdz'/><target dev='vdb'/></disk>",
        "<disk type='network'><driver type='raw'/><source protocol='rbd' name='p/i'/><target dev='vdc'/></disk>",
        "<disk type='dir'><source dir='" + other + "'/><target dev='hda'/></disk>",
        "<disk type='file' device='cdrom'><target dev='hdc'/></disk>"));

    assertThat(notes).containsExactly("vdb (/dev/sdz): passed, a block disk cannot be a cache file",
        "vdc (rbd p/i): passed, a network disk cannot be a cache file",
        "hda (" + other + "): passed, a directory disk outside the image cache", "hdc (no medium): passed, no medium");
  }

  @Test
  void beforeBoot_unknownDiskType_unsafeDomain() throws Exception {
    refused(domain("", "<disk type='mystery'><source file='" + base + "'/><target dev='vdb'/></disk>"),
        Reason.UNSAFE_DOMAIN);
  }
}
