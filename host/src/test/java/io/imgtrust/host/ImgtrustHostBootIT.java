package io.imgtrust.host;

import static io.imgtrust.core.testing.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** {@link ImgtrustHost#boot} against the running libvirtd (qemu:///system) with the flat backend. */
class ImgtrustHostBootIT {
  private static final String URI = "qemu:///system";
  private static final byte[] IMAGE = CacheFixture.randomImage(8 << 20, 11);

  @TempDir static Path dir;
  private static Path download;

  @BeforeAll
  static void setUp() throws Exception {
    // qemu runs as another user; it must reach the disks (instances_path is 0755 in production).
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    download = Files.write(dir.resolve("image.raw"), IMAGE);
  }

  private static ImgtrustHost host(Path instances) throws Exception {
    Path conf = Files.writeString(Files.createTempFile(dir, "imgtrust-", ".conf"), "[DEFAULT]\ninstances_path = "
        + instances + "\n[libvirt]\nimages_type = flat\nconnection_uri = " + URI + "\n[image_cache]\n"
        + "immutable_files = false\n[verification]\nhost_key_file = " + dir.resolve("host.key") + "\n");
    return ImgtrustHost.open(ConfigLoader.load(conf));
  }

  private static Spawn spawn(String instance) {
    return Spawn.of(instance, "img-1").withSize(64L << 20)
        .withDownload(download, CacheFixture.rawMetadata("img-1", IMAGE));
  }

  private static boolean domainExists(String name) throws LibvirtException {
    Connect c = new Connect(URI, true);
    try {
      c.domainLookupByName(name);
      return true;
    } catch (LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }

  private static String name(String what) {
    return "imgtrust-host-it-" + what + "-" + ProcessHandle.current().pid();
  }

  @Test
  void boot_thenRemoveWithDomain_runningDomainThenNothingLeft() throws Exception {
    Path instances = dir.resolve("ok");
    String d = name("ok");
    try (ImgtrustHost host = host(instances)) {
      Spawned s = host.boot(spawn(d), DomainSpec.of(d, 64, 1));

      assertThat(s.domain().orElseThrow().state()).isEqualTo("running");
      assertThat(domainExists(d)).isTrue();
      assertThat(Path.of(s.disk().target())).exists();

      host.remove(d, true);

      assertThat(domainExists(d)).as("domain undefined").isFalse();
      assertThat(Path.of(s.disk().target())).doesNotExist();
    } finally {
      try (ImgtrustHost host = host(instances)) {
        host.remove(d, true);
      }
    }
  }

  @Test
  void boot_startFailsInLibvirt_undoLeavesNoDomainAndNoDisk() throws Exception {
    // qemu (another user) cannot reach disks under a 0700 directory: define works, start fails.
    Path hidden = Files.createDirectories(dir.resolve("hidden"));
    Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));
    String d = name("undo");
    try (ImgtrustHost host = host(hidden.resolve("instances"))) {
      ImageTrustException e = refused(Reason.LIBVIRT_ERROR, () -> host.boot(spawn(d), DomainSpec.of(d, 64, 1)));

      assertThat(e.getMessage()).containsIgnoringCase("permission");
      assertThat(domainExists(d)).as("no domain left").isFalse();
      assertThat(hidden.resolve("instances").resolve(d).resolve("disk")).doesNotExist();
    }
  }

  @Test
  void boot_existingDomainName_targetExistsDiskRemovedOtherDomainUntouched() throws Exception {
    Path instances = dir.resolve("taken");
    String d = name("taken");
    Connect c = new Connect(URI, false);
    try (ImgtrustHost host = host(instances)) {
      c.domainDefineXML(DomainSpec.of(d, 64, 1).toXml(""));

      refused(Reason.TARGET_EXISTS, () -> host.boot(spawn(d), DomainSpec.of(d, 64, 1)));

      assertThat(instances.resolve(d).resolve("disk")).doesNotExist();
      assertThat(c.domainLookupByName(d).getXMLDesc(0)).doesNotContain("<disk");
    } finally {
      try {
        c.domainLookupByName(d).undefine();
      } finally {
        c.close();
      }
    }
  }
}
