package io.imgtrust.core.format;

import java.nio.file.Path;
import java.util.List;

/** The crafted VMDK variants every fuzzing test starts from: each one made by {@link VmdkWriter}. */
final class VmdkCorpus {
  /** The header and the start of the embedded descriptor: where mutations of a variant matter most. */
  static final int HEADER_AND_DESCRIPTOR = 700;
  /** Random mutations per variant (each writes a 64 KiB file). */
  static final int MUTATIONS = 300;
  private static final String SELF = "RW 2048 SPARSE \"disk.vmdk\"";

  private VmdkCorpus() {}

  /** The attack, a descriptor file, other create types, extra extents, a parent hint and sane footers. */
  static List<byte[]> variants() {
    return List.of(
        VmdkWriter.hostFileAttack(Path.of("/etc/hostname"), 1),
        VmdkWriter.descriptorFile("monolithicFlat", "RW 2048 FLAT \"/etc/shadow\" 0"),
        VmdkWriter.sparse().descriptor(VmdkWriter.descriptor("monolithicFlat", SELF)).build(),
        VmdkWriter.sparse().descriptor(VmdkWriter.descriptor("twoGbMaxExtentSparse", SELF)).build(),
        VmdkWriter.sparse().descriptor(VmdkWriter.descriptor("monolithicSparse", SELF,
            "RW 2048 FLAT \"/etc/shadow\" 0")).build(),
        VmdkWriter.sparse().descriptor(VmdkWriter.descriptor("monolithicSparse", SELF)
            + "parentFileNameHint=\"/root/base.vmdk\"\n").build(),
        VmdkWriter.sparse().capacity(1).descriptor(VmdkWriter.descriptor("streamOptimized", SELF))
            .footer(4096, null).build(),
        VmdkWriter.sparse().build());
  }
}
