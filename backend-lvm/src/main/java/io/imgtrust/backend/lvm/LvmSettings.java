package io.imgtrust.backend.lvm;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendSettings;
import java.util.Locale;
import java.util.regex.Pattern;

/** The lvm backend's options (Nova's names and defaults) and their typed values. Immutable. */
final class LvmSettings {
  static final BackendOption VOLUME_GROUP = BackendOption.of("libvirt", "images_volume_group", Key.Type.STRING,
      "imgtrust", "lvm: the volume group instance disks are created in");
  static final BackendOption VOLUME_CLEAR = BackendOption.of("libvirt", "volume_clear",
      Key.Type.choice("none", "zero", "shred"), "zero", "lvm: how a disk's extents are cleared before they are freed");
  static final BackendOption VOLUME_CLEAR_SIZE = BackendOption.of("libvirt", "volume_clear_size",
      Key.Type.NON_NEGATIVE_INT, "0", "lvm: MiB cleared from the start of a removed disk; 0 = all of it");
  static final ImmutableList<BackendOption> OPTIONS = ImmutableList.of(VOLUME_GROUP, VOLUME_CLEAR, VOLUME_CLEAR_SIZE);

  /** What lvm2 accepts as a volume group name (and never an option: no leading '-'). */
  private static final Pattern VG_NAME = Pattern.compile("[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}");

  final String volumeGroup;
  final VolumeClear clear;
  /** Bytes cleared from the start of a removed LV; 0 = all. */
  final long clearBytes;

  LvmSettings(String volumeGroup, VolumeClear clear, long clearBytes) {
    this.volumeGroup = volumeGroup;
    this.clear = clear;
    this.clearBytes = clearBytes;
  }

  /**
   * The settings of this host.
   *
   * @throws ImageTrustException {@code BAD_CONFIG} for a bad value or a volume group name lvm2 would not accept
   */
  static LvmSettings read(BackendSettings s) throws ImageTrustException {
    String vg = s.string(VOLUME_GROUP);
    if (!VG_NAME.matcher(vg).matches() || vg.equals(".") || vg.equals("..")) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, VOLUME_GROUP.qualifiedName() + " = '" + vg + "' is not a "
          + "volume group name (letters, digits, '+', '_', '.', '-'; not starting with '-')",
          ImmutableMap.of("option", VOLUME_GROUP.qualifiedName()));
    }
    VolumeClear clear = VolumeClear.valueOf(s.string(VOLUME_CLEAR).toUpperCase(Locale.ROOT));
    return new LvmSettings(vg, clear, s.number(VOLUME_CLEAR_SIZE) << 20);
  }
}
