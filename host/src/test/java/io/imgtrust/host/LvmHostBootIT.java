package io.imgtrust.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.testing.CacheFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImgtrustHost#boot} with {@code images_type = lvm} against the running libvirtd: a {@code <disk type='block'>}
 * domain on an LV made by real lvm2 on a loop-device PV (activation emulated by {@code scripts/lvm-emulation}, which
 * the failsafe environment puts first on the PATH).
 */
class LvmHostBootIT {
  private static final String URI = "qemu:///system";
  private static final byte[] IMAGE = CacheFixture.randomImage(8 << 20, 13);
  private static final Path LOOP_VG = Path.of(System.getProperty("imgtrust.root", "..")).resolve(
      "scripts/lvm-emulation/loop-vg");

  @TempDir static Path dir;
  private static String vg;
  private static Path download;

  @BeforeAll
  static void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    download = Files.write(dir.resolve("image.raw"), IMAGE);
    vg = "imgtrust_boot_" + ProcessHandle.current().pid();
    run(LOOP_VG.toString(), "up", vg, "128", dir.resolve("pv.img").toString());
  }

  @AfterAll
  static void tearDown() throws Exception {
    run(LOOP_VG.toString(), "down", vg, dir.resolve("pv.img").toString());
  }

  private static String run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", argv)).isTrue();
    return out;
  }

  @Test
  void boot_lvmDisk_blockDomainRunsThenRemoveLeavesNoLv() throws Exception {
    Path conf = Files.writeString(dir.resolve("imgtrust.conf"), "[DEFAULT]\ninstances_path = "
        + dir.resolve("instances") + "\n[libvirt]\nimages_type = lvm\nimages_volume_group = " + vg
        + "\nconnection_uri = " + URI + "\n[image_cache]\nimmutable_files = false\n[verification]\nhost_key_file = "
        + dir.resolve("host.key") + "\n");
    String d = "imgtrust-lvm-boot-" + ProcessHandle.current().pid();
    try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(conf))) {
      try {
        Spawned s = host.boot(Spawn.of(d, "img-1").withSize(64L << 20)
            .withDownload(download, CacheFixture.rawMetadata("img-1", IMAGE)), DomainSpec.of(d, 64, 1));

        assertThat(s.domain().orElseThrow().state()).isEqualTo("running");
        assertThat(s.disk().diskXml()).contains("<disk type='block'").contains("/dev/" + vg + "/" + d + "_disk");
        assertThat(run("lvs", "--noheadings", "-o", "lv_name", vg)).isEqualTo(d + "_disk");
      } finally {
        host.remove(d, true);
      }
      assertThat(run("lvs", "--noheadings", "-o", "lv_name", vg)).isEmpty();
    }
  }
}
