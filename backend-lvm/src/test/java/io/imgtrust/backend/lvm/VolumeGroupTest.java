package io.imgtrust.backend.lvm;

import static io.imgtrust.core.testing.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link VolumeGroup} against a fake lvm2 that answers reports and records every command. */
class VolumeGroupTest {
  private static final long MIB = 1 << 20;
  private final List<List<String>> ran = new ArrayList<>();
  private long free = 100 * MIB;
  private String lvs = "";

  private final CommandRunner fake = (argv, timeout) -> {
    ran.add(argv);
    String out = switch (argv.get(0)) {
      case "vgs" -> "{\"report\":[{\"vg\":[{\"vg_extent_size\":\"4194304\", \"vg_free\":\"" + free + "\"}]}]}";
      case "lvs" -> "{\"report\":[{\"lv\":[" + lvs + "]}]}";
      default -> "";
    };
    if (argv.get(0).equals("lvcreate")) {
      lvs = "{\"lv_name\":\"vm_disk\", \"lv_path\":\"/dev/vg0/vm_disk\", \"lv_size\":\"12582912\"}";
    }
    return CommandResult.exited(argv, 0, out.getBytes(StandardCharsets.UTF_8), false, "");
  };

  private List<String> tools() {
    return ran.stream().map(a -> a.get(0)).toList();
  }

  @Test
  void create_sizeRoundedUpToExtents_lvcreateWithBytesAndNoZeroing() throws Exception {
    LogicalVolume lv = new VolumeGroup("vg0", fake).create("vm_disk", 9 * MIB + 7);

    assertThat(ran).anySatisfy(a -> assertThat(a).containsSubsequence("lvcreate", "-n", "vm_disk", "-L",
        12 * MIB + "b", "vg0").contains("--zero", "--wipesignatures"));
    assertThat(lv.path).isEqualTo(Path.of("/dev/vg0/vm_disk"));
    assertThat(lv.size).isEqualTo(12 * MIB);
  }

  @Test
  void create_groupTooSmall_volumeGroupFullBeforeAnyLvcreate() {
    free = 8 * MIB;

    ImageTrustException e = refused(Reason.VOLUME_GROUP_FULL,
        () -> new VolumeGroup("vg0", fake).create("vm_disk", 9 * MIB));

    assertThat(e.details()).containsEntry("needed_bytes", 12 * MIB).containsEntry("free_bytes", 8 * MIB);
    assertThat(tools()).containsExactly("vgs");
  }

  @Test
  void create_exactlyTheFreeSpace_created() throws Exception {
    free = 12 * MIB;

    new VolumeGroup("vg0", fake).create("vm_disk", 12 * MIB);

    assertThat(tools()).contains("lvcreate");
  }

  @Test
  void volumes_lvmFails_ioErrorNamingTheTool() {
    CommandRunner failing = (argv, t) -> CommandResult.exited(argv, 5, new byte[0], false,
        "Volume group \"vg0\" not found");

    ImageTrustException e = refused(Reason.IO_ERROR, () -> new VolumeGroup("vg0", failing).volumes());

    assertThat(e.getMessage()).contains("lvs").contains("not found");
  }

  @Test
  void volumes_garbageReport_ioError() {
    CommandRunner garbage = (argv, t) -> CommandResult.exited(argv, 0, "no json".getBytes(StandardCharsets.UTF_8),
        false, "");

    refused(Reason.IO_ERROR, () -> new VolumeGroup("vg0", garbage).volumes());
  }
}
