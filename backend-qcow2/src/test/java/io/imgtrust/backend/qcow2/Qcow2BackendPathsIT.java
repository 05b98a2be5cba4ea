package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The before-boot check of the paths a domain names outside its disks (kernel, nvram, filesystems, chardevs, QEMU
 * arguments, ...) and of what a {@code dir} disk shows, against a real cache.
 */
class Qcow2BackendPathsIT {
  /** Elements that name a host path; {@code %s} is the path. */
  private static final String KERNEL = "<os><type>hvm</type><kernel>%s</kernel></os>";
  private static final String FILESYSTEM = "<devices><filesystem type='mount'><source dir='%s'/>"
      + "<target dir='share'/></filesystem></devices>";

  @org.junit.jupiter.api.io.TempDir Path root;
  private CacheFixture fixture;
  private Qcow2Backend backend;
  private Path base;
  private Path cacheDir;
  private Path elsewhere;

  @BeforeEach
  void setUp() throws Exception {
    fixture = CacheFixture.create(root, "");
    backend = new Qcow2Backend(BackendContext.of(fixture.conf, fixture.cache),
        ImmutableList.of(Files.createDirectories(root.resolve("pools"))));
    base = fixture.add("img-1", CacheFixture.randomImage(4096, 7)).file();
    cacheDir = fixture.cache.directory();
    elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Files.write(elsewhere.resolve("file"), new byte[512]);
  }

  private static String domain(String inner) {
    return "<domain type='kvm'><name>t</name>" + inner + "</domain>";
  }

  /** The path a case names: the base, the cache dir, its parent, "/", a new file in the cache, or elsewhere. */
  private String path(String which) throws Exception {
    switch (which) {
      case "base": return base.toString();
      case "cache": return cacheDir.toString();
      case "parent": return cacheDir.getParent().toString();
      case "slash": return "/";
      case "new-in-cache": return cacheDir.resolve("new.sock").toString();
      case "link-to-base": return Files.createSymbolicLink(root.resolve("l1"), base).toString();
      case "through-link": return Files.createSymbolicLink(root.resolve("l2"), cacheDir).resolve("x/y").toString();
      case "elsewhere-file": return elsewhere.resolve("file").toString();
      default: return elsewhere.toString();
    }
  }

  private ImageTrustException refused(String xml) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> backend.beforeBoot(xml));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.UNSAFE_DOMAIN);
    return e;
  }

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource(delimiter = '|', value = {
      "<os><kernel>               | base         | <os><type>hvm</type><kernel>%s</kernel></os>",
      "<os><initrd>               | base         | <os><type>hvm</type><initrd>%s</initrd></os>",
      "<os><dtb>                  | base         | <os><type>hvm</type><dtb>%s</dtb></os>",
      "<os><loader>               | base         | <os><type>hvm</type><loader readonly='yes'>%s</loader></os>",
      "<os><nvram>                | base         | <os><type>hvm</type><nvram>%s</nvram></os>",
      "<os><nvram>                | new-in-cache | <os><type>hvm</type><nvram>%s</nvram></os>",
      "<filesystem><source dir>   | cache        | " + FILESYSTEM,
      "<filesystem><source dir>   | parent       | " + FILESYSTEM,
      "<filesystem><source dir>   | slash        | " + FILESYSTEM,
      "<serial><source path>      | base         | <devices><serial type='file'><source path='%s'/></serial></devices>",
      "<console><log file>        | base         | <devices><console type='pty'><log file='%s'/></console></devices>",
      "<channel><source path>     | new-in-cache | <devices><channel type='unix'><source mode='bind' path='%s'/>"
          + "</channel></devices>",
      "<qemu:commandline><qemu:arg value> | base | <qemu:commandline><qemu:arg value='-drive'/>"
          + "<qemu:arg value='file=%s,if=virtio'/></qemu:commandline>",
      "<disk><source dev>         | base         | <devices><disk type='block'><source dev='%s'/></disk></devices>",
      "<backingStore><source file> | base       | <devices><disk type='file'><driver type='raw'/><source file='"
          + "/dev/null'/><backingStore type='file'><source file='%s'/></backingStore></disk></devices>",
      "<os><kernel>               | link-to-base | <os><type>hvm</type><kernel>%s</kernel></os>",
      "<serial><source path>      | through-link | <devices><serial type='file'><source path='%s'/></serial></devices>"})
  void beforeBoot_pathOutsideDisksReachesCache_unsafeDomainNamingTheElement(String element, String which,
      String template) throws Exception {
    String p = path(which);

    ImageTrustException e = refused(domain(template.replace("%s", p)));

    assertThat(e.getMessage()).contains(element).contains(p).contains("outside the image cache");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "elsewhere-file | <os><type>hvm</type><kernel>%s</kernel><initrd>%s</initrd><dtb>%s</dtb></os>",
      "elsewhere-file | <os><type>hvm</type><loader readonly='yes'>%s</loader><nvram>%s</nvram></os>",
      "elsewhere      | " + FILESYSTEM,
      "elsewhere-file | <devices><serial type='file'><source path='%s'/></serial></devices>",
      "elsewhere-file | <qemu:commandline><qemu:arg value='file=%s,if=virtio'/></qemu:commandline>"})
  void beforeBoot_samePathsElsewhere_pass(String which, String template) throws Exception {
    String xml = domain(template.replace("%s", path(which)));

    assertThatCode(() -> backend.beforeBoot(xml)).doesNotThrowAnyException();
  }

  @Test
  void checkPaths_pathsElsewhere_logLineSaysHowManyDistinctPathsWereChecked() throws Exception {
    String f = path("elsewhere-file");
    DomainDisks d = DomainDisks.read(domain("<os><kernel>" + f + "</kernel><initrd>" + f + "</initrd></os><devices>"
        + "<emulator>/usr/bin/qemu-system-x86_64</emulator><disk type='file'><driver type='raw'/><source file='"
        + base + "'/><readonly/></disk></devices>"));

    assertThat(backend.checkPaths(d)).isEqualTo("2 paths outside the disk sources checked, none reaches the image "
        + "cache");
  }

  private String dirDisk(Path dir) {
    return domain("<devices><disk type='dir' device='disk'><source dir='" + dir + "'/><target dev='hda'/></disk>"
        + "</devices>");
  }

  @ParameterizedTest
  @CsvSource({"base", "cache", "parent"})
  void beforeBoot_dirDiskHoldingSymlinkIntoCache_unsafeDomain(String which) throws Exception {
    Path dir = Files.createDirectories(root.resolve("vvfat/sub"));
    Files.createSymbolicLink(dir.resolve("innocent"), Path.of(path(which)));

    ImageTrustException e = refused(dirDisk(dir.getParent()));

    assertThat(e.getMessage()).contains("hda").contains(dir.resolve("innocent").toString()).contains("image cache");
  }

  @Test
  void beforeBoot_dirDiskDeeperThanTheBound_unsafeDomainCannotFollow() throws Exception {
    Path deep = root.resolve("vvfat");
    for (int i = 0; i <= 17; i++) {
      deep = deep.resolve("d" + i);
    }
    Files.createDirectories(deep);

    assertThat(refused(dirDisk(root.resolve("vvfat"))).getMessage()).contains("hda").contains("cannot follow");
  }

  @Test
  void beforeBoot_dirDiskWithSymlinkLoop_unsafeDomainCannotFollow() throws Exception {
    Path dir = Files.createDirectories(root.resolve("vvfat"));
    Files.createSymbolicLink(dir.resolve("loop"), dir);

    assertThat(refused(dirDisk(dir)).getMessage()).contains("cannot follow");
  }

  @Test
  void beforeBoot_dirDiskWithTooManyEntries_unsafeDomainCannotFollow() throws Exception {
    Path dir = Files.createDirectories(root.resolve("vvfat"));
    for (int i = 0; i <= 10_000; i++) {
      Files.createFile(dir.resolve("f" + i));
    }

    assertThat(refused(dirDisk(dir)).getMessage()).contains("cannot follow").contains("entries");
  }

  @Test
  void beforeBoot_dirDiskWithFilesAndLinksElsewhere_passes() throws Exception {
    Path dir = Files.createDirectories(root.resolve("vvfat/sub"));
    Files.write(dir.resolve("a.txt"), new byte[10]);
    Files.createSymbolicLink(dir.resolve("other"), elsewhere);

    assertThatCode(() -> backend.beforeBoot(dirDisk(dir.getParent()))).doesNotThrowAnyException();
  }
}
