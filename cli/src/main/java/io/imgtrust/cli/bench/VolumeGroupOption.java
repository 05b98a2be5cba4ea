package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.util.List;
import picocli.CommandLine.Option;

/** The volume group of {@code bench lvm} ({@code --volume-group}), and whether lvm2 finds it. */
final class VolumeGroupOption {
  @Option(names = "--volume-group", paramLabel = "VG", description = "The volume group to create the LVs in "
      + "(scripts/bench-lvm.sh and scripts/bench-all.sh make one on a loop device).")
  String volumeGroup;

  private final Probe.Once checked = new Probe.Once();

  /** The {@code [libvirt]} lines of a benchmark config that makes LVs in this group (no clearing on removal). */
  String configLines() {
    return "images_volume_group = " + volumeGroup + "\nvolume_clear = none\n";
  }

  /**
   * Checks that a group is given and {@code vgs} reports it.
   *
   * @throws ImageTrustException {@code USAGE} when none is given, {@code IO_ERROR} when lvm2 does not find it
   */
  void require() throws ImageTrustException {
    checked.require(this::check);
  }

  private void check() throws ImageTrustException {
    if (volumeGroup == null) {
      throw ImageTrustException.of(Reason.USAGE, "no --volume-group given (scripts/bench-lvm.sh and "
          + "scripts/bench-all.sh make one on a loop device)");
    }
    Probe.require(Reason.IO_ERROR, "lvm2 does not find volume group " + volumeGroup,
        List.of("vgs", "--noheadings", volumeGroup));
  }
}
