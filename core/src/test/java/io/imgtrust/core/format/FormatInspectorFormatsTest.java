package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parallels, VMDK, VHD, VHDX and VDI from hand-built headers. */
class FormatInspectorFormatsTest {
  @TempDir Path dir;

  private Path write(byte[] bytes) throws IOException {
    Path file = Files.createTempFile(dir, "img", ".bin");
    Files.write(file, bytes);
    return file;
  }

  private static ImageTrustException refusal(FormatInspectorTest.ThrowingCall call) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, call::run);
    assertThat(e).as("expected a refusal").isNotNull();
    return e;
  }

  private void assertUnsafe(byte[] image, String diskFormat, String messagePart) throws IOException {
    Path file = write(image);
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(file, diskFormat));
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains(messagePart);
  }

  @ParameterizedTest
  @ValueSource(strings = {"WithoutFreeSpace", "WithouFreSpacExt"})
  void requireSafe_parallels_sizeFromSectors(String magic) throws Exception {
    Path file = write(TestImages.parallels(magic, 2097152));
    InspectedImage image = FormatInspector.requireSafe(file, "ploop");
    assertThat(image.format()).isEqualTo(ImageFormat.PARALLELS);
    assertThat(image.virtualSize()).isEqualTo(1L << 30);
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "raw")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void inspect_parallelsOldMagic_keepsLow32BitsOfSectorsAsQemuDoes() throws Exception {
    byte[] image = TestImages.parallels("WithoutFreeSpace", 0);
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(36, (1L << 32) + 8);
    assertThat(FormatInspector.inspect(write(image)).virtualSize()).isEqualTo(8 * 512);
  }

  @Test
  void inspect_parallelsBadVersionOrTracks_unsafe() throws Exception {
    byte[] v3 = TestImages.parallels("WithouFreSpacExt", 2048);
    ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 3);
    assertUnsafe(v3, "ploop", "version");
    byte[] noTracks = TestImages.parallels("WithouFreSpacExt", 2048);
    ByteBuffer.wrap(noTracks).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 0);
    assertUnsafe(noTracks, "ploop", "tracks");
  }

  @Test
  void requireSafe_vmdkMonolithicSparse_capacity() throws Exception {
    InspectedImage image = FormatInspector.requireSafe(write(TestImages.vmdk(2097152, TestImages.MONOLITHIC_SPARSE)),
        "vmdk");
    assertThat(image.virtualSize()).isEqualTo(1L << 30);
    assertThat(image.vmdkCreateType()).contains("monolithicSparse");
  }

  @Test
  void requireSafe_vmdkStreamOptimized_ok() throws Exception {
    String desc = TestImages.MONOLITHIC_SPARSE.replace("monolithicSparse", "streamOptimized");
    assertThat(FormatInspector.requireSafe(write(TestImages.vmdk(2048, desc)), "vmdk").vmdkCreateType())
        .contains("streamOptimized");
  }

  @Test
  void requireSafe_vmdkOtherCreateTypeOrNoDescriptor_unsafe() throws Exception {
    String flat = TestImages.MONOLITHIC_SPARSE.replace("monolithicSparse", "monolithicFlat");
    assertUnsafe(TestImages.vmdk(2048, flat), "vmdk", "monolithicFlat");
    assertUnsafe(TestImages.vmdk(2048, null), "vmdk", "create type (none)");
  }

  @Test
  void requireSafe_vmdkParentFileNameHint_unsafeBacking() throws Exception {
    String child = TestImages.MONOLITHIC_SPARSE + "parentFileNameHint=\"/var/lib/secret.vmdk\"\n";
    Path file = write(TestImages.vmdk(2048, child));
    assertThat(FormatInspector.inspect(file).backingFile()).contains("/var/lib/secret.vmdk");
    assertUnsafe(TestImages.vmdk(2048, child), "vmdk", "/var/lib/secret.vmdk");
  }

  @Test
  void inspect_vmdkDescriptorFile_unsafe() throws Exception {
    String text = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"/etc/shadow\" 0\n";
    Path file = write(text.getBytes(StandardCharsets.US_ASCII));
    assertThat(refusal(() -> FormatInspector.inspect(file)).reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "raw")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void inspect_vmdkCapacityZeroWithDescriptor_unsafe() throws Exception {
    assertUnsafe(TestImages.vmdk(0, TestImages.MONOLITHIC_SPARSE), "vmdk", "capacity 0");
  }

  @Test
  void inspect_vmdkFooter_capacityFromFooter() throws Exception {
    // The first header's capacity is not 0: with 0 and a descriptor qemu would open that descriptor instead.
    byte[] head = TestImages.vmdk(1, TestImages.MONOLITHIC_SPARSE.replace("monolithicSparse", "streamOptimized"));
    ByteBuffer b = ByteBuffer.allocate(head.length + 1536).order(ByteOrder.LITTLE_ENDIAN);
    b.put(head);
    b.putLong(56, -1L);
    int end = head.length;
    b.putInt(end + 12, 3);
    TestImages.vmdkHeader(b, end + 512, 4096, 1, 21);
    InspectedImage image = FormatInspector.requireSafe(write(b.array()), "vmdk");
    assertThat(image.virtualSize()).isEqualTo(4096 * 512);
  }

  @Test
  void requireSafe_vhdFixedFooterAtEnd_chsSize() throws Exception {
    byte[] footer = TestImages.vhdFooter(2, "qemu", 16, 16, 63, 999_999_999, -1);
    byte[] image = new byte[16 * 16 * 63 * 512 + 512];
    System.arraycopy(footer, 0, image, image.length - 512, 512);
    InspectedImage inspected = FormatInspector.requireSafe(write(image), "vhd");
    assertThat(inspected.virtualSize()).isEqualTo(16L * 16 * 63 * 512);
  }

  @Test
  void inspect_vhdHyperVCreator_currentSize() throws Exception {
    byte[] footer = TestImages.vhdFooter(2, "win ", 16, 16, 63, 1 << 20, -1);
    byte[] image = new byte[(1 << 20) + 512];
    System.arraycopy(footer, 0, image, 1 << 20, 512);
    assertThat(FormatInspector.inspect(write(image)).virtualSize()).isEqualTo(1 << 20);
  }

  @Test
  void requireSafe_vhdDynamic_ok_differencing_unsafe() throws Exception {
    assertThat(FormatInspector.requireSafe(write(TestImages.vhdDynamic(8 << 20, null)), "vhd").virtualSize())
        .isEqualTo(8 << 20);
    Path child = write(TestImages.vhdDynamic(8 << 20, "C:\\parent.vhd"));
    assertThat(FormatInspector.inspect(child).backingFile()).contains("C:\\parent.vhd");
    assertUnsafe(TestImages.vhdDynamic(8 << 20, "C:\\parent.vhd"), "vhd", "parent.vhd");
  }

  @Test
  void inspect_vhdBadChecksum_unsafe() throws Exception {
    byte[] image = TestImages.vhdDynamic(8 << 20, null);
    image[40] ^= 1;
    assertUnsafe(image, "vhd", "checksum");
  }

  @Test
  void requireSafe_vhdx_sizeFromMetadata() throws Exception {
    Path file = write(TestImages.vhdx(10L << 30, null));
    InspectedImage image = FormatInspector.requireSafe(file, "vhdx");
    assertThat(image.virtualSize()).isEqualTo(10L << 30);
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "vhd")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void requireSafe_vhdxWithParent_unsafeNamingIt() throws Exception {
    Path file = write(TestImages.vhdx(1L << 30, "..\\base.vhdx"));
    assertThat(FormatInspector.inspect(file).backingFile()).contains("..\\base.vhdx");
    assertUnsafe(TestImages.vhdx(1L << 30, "..\\base.vhdx"), "vhdx", "base.vhdx");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void requireSafe_vdi_diskSize(int type) throws Exception {
    assertThat(FormatInspector.requireSafe(write(TestImages.vdi(type, 5L << 30)), "vdi").virtualSize())
        .isEqualTo(5L << 30);
  }

  @Test
  void inspect_vdiDifferencingOrParentUuid_unsafe() throws Exception {
    assertUnsafe(TestImages.vdi(4, 1 << 20), "vdi", "image type 4");
    byte[] linked = TestImages.vdi(1, 1 << 20);
    linked[0x1b8] = 1;
    assertUnsafe(linked, "vdi", "parent");
  }
}
