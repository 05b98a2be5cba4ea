package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** VMDK variants crafted by {@link VmdkWriter}: decided on the bytes qemu acts on, only self-contained extents. */
class VmdkReaderTest {
  private static final String SELF = "RW 2048 SPARSE \"disk.vmdk\"";

  @TempDir Path dir;

  private Path write(byte[] bytes) throws IOException {
    return Files.write(Files.createTempFile(dir, "img", ".vmdk"), bytes);
  }

  private String unsafe(byte[] image) throws IOException {
    Path file = write(image);
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> FormatInspector.requireSafe(file, "vmdk"));
    assertThat(e).as("expected a refusal").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    return e.getMessage();
  }

  @Test
  void inspect_firstHeaderCapacityZeroBehindSaneFooter_unsafeAsQemuOpensTheDescriptor() throws Exception {
    Path file = write(VmdkWriter.hostFileAttack(Path.of("/etc/hostname"), 1));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> FormatInspector.inspect(file));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("capacity 0");
  }

  @Test
  void requireSafe_gdAtEnd_capacityFromFooter() throws Exception {
    byte[] image = VmdkWriter.sparse().capacity(1)
        .descriptor(VmdkWriter.descriptor("streamOptimized", SELF)).footer(4096, null).build();

    InspectedImage inspected = FormatInspector.requireSafe(write(image), "vmdk");

    assertThat(inspected.virtualSize()).isEqualTo(4096 * 512);
    assertThat(inspected.vmdkCreateType()).contains("streamOptimized");
  }

  @Test
  void requireSafe_fileNotSectorAligned_footerReadWhereQemuReadsIt() throws Exception {
    byte[] image = VmdkWriter.sparse().footer(4096, null).build();
    byte[] cut = Arrays.copyOf(image, image.length - 100);

    assertThat(FormatInspector.requireSafe(write(cut), "vmdk").virtualSize()).isEqualTo(4096 * 512);
  }

  @Test
  void requireSafe_footerDescriptorDiffersFromFirst_typeFromFirstHeader() throws Exception {
    byte[] image = VmdkWriter.sparse().descriptor(VmdkWriter.descriptor("monolithicFlat", SELF))
        .footer(2048, VmdkWriter.descriptor("streamOptimized", SELF)).build();

    assertThat(unsafe(image)).contains("monolithicFlat");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RW 2048 FLAT \"/etc/shadow\" 0",
    "RW 2048 FLAT \"disk-flat.vmdk\" 0",
    "RW 2048 VMFS \"disk.vmdk\"",
    "RW 2048 ZERO",
    "RW 2048 SPARSE \"/var/lib/other.vmdk\"",
    "RW 2048 SPARSE \"../other.vmdk\"",
    "RW 2048 SPARSE disk.vmdk",
    "RDONLY 2048 FLAT \"/etc/shadow\" 0",
    "NOACCESS 2048 VMFSSPARSE \"x.vmdk\"",
    "  RW\t2048 SESPARSE \"x.vmdk\"",
    "RW 2048 SPARSE \"disk.vmdk\" 0",
  })
  void requireSafe_extentOtherThanItself_unsafeNamingIt(String extent) throws Exception {
    byte[] image = VmdkWriter.sparse().descriptor(VmdkWriter.descriptor("monolithicSparse", extent)).build();

    assertThat(unsafe(image)).contains("extent").contains(extent.strip());
  }

  @Test
  void requireSafe_secondExtentBesideItself_unsafe() throws Exception {
    String desc = VmdkWriter.descriptor("streamOptimized", SELF, "RW 2048 FLAT \"/etc/shadow\" 0");

    assertThat(unsafe(VmdkWriter.sparse().descriptor(desc).build())).contains("2 extents");
  }

  @ParameterizedTest
  @ValueSource(strings = {"monolithicFlat", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "vmfs", "seSparse"})
  void requireSafe_otherCreateType_unsafe(String type) throws Exception {
    assertThat(unsafe(VmdkWriter.sparse().descriptor(VmdkWriter.descriptor(type, SELF)).build())).contains(type);
  }

  @Test
  void requireSafe_parentFileNameHint_unsafeBacking() throws Exception {
    String desc = VmdkWriter.descriptor("monolithicSparse", SELF) + "parentFileNameHint=\"/root/base.vmdk\"\n";

    assertThat(unsafe(VmdkWriter.sparse().descriptor(desc).build())).contains("/root/base.vmdk");
  }

  @Test
  void inspect_descriptorFile_unsafe() throws Exception {
    byte[] file = VmdkWriter.descriptorFile("monolithicFlat", "RW 2048 FLAT \"/etc/shadow\" 0");

    assertThat(unsafe(file)).contains("descriptor file");
  }

  @Test
  void requireSafe_selfContainedSparse_ok() throws Exception {
    InspectedImage image = FormatInspector.requireSafe(write(VmdkWriter.sparse().build()), "vmdk");

    assertThat(image.virtualSize()).isEqualTo(2048 * 512);
    assertThat(image.backingFile()).isEmpty();
  }
}
