package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormatInspectorTest {
  @TempDir Path dir;

  private Path write(byte[] bytes) throws IOException {
    Path file = Files.createTempFile(dir, "img", ".bin");
    Files.write(file, bytes);
    return file;
  }

  private static ImageTrustException refusal(ThrowingCall call) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, call::run);
    assertThat(e).as("expected a refusal").isNotNull();
    return e;
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @ParameterizedTest
  @CsvSource({"raw,RAW", "ami,RAW", "ari,RAW", "aki,RAW", "qcow2,QCOW2", "ploop,PARALLELS", "vmdk,VMDK",
      "vhd,VHD", "vhdx,VHDX", "vdi,VDI", "iso,ISO"})
  void forDiskFormat_glanceNames_map(String diskFormat, ImageFormat expected) {
    assertThat(ImageFormat.forDiskFormat(diskFormat)).contains(expected);
  }

  @Test
  void forDiskFormat_unknownOrUpperCase_empty() {
    assertThat(ImageFormat.forDiskFormat("parallels")).isEmpty();
    assertThat(ImageFormat.forDiskFormat("QCOW2")).isEmpty();
    assertThat(ImageFormat.forDiskFormat("")).isEmpty();
  }

  @Test
  void names_glanceAndQemu() {
    assertThat(ImageFormat.PARALLELS.glanceName()).isEqualTo("ploop");
    assertThat(ImageFormat.PARALLELS.qemuName()).isEqualTo("parallels");
    assertThat(ImageFormat.VHD.qemuName()).isEqualTo("vpc");
    assertThat(ImageFormat.ISO.qemuName()).isEqualTo("raw");
    for (ImageFormat f : ImageFormat.values()) {
      assertThat(ImageFormat.forDiskFormat(f.glanceName())).contains(f);
    }
  }

  @Test
  void inspect_emptyFile_rawSizeZero() throws Exception {
    InspectedImage image = FormatInspector.inspect(write(new byte[0]));
    assertThat(image.format()).isEqualTo(ImageFormat.RAW);
    assertThat(image.virtualSize()).isZero();
    assertThat(image.qcow2Version()).isZero();
  }

  @Test
  void inspect_rawBytes_rawFileSize() throws Exception {
    byte[] bytes = new byte[100_000];
    Arrays.fill(bytes, (byte) 0x5a);
    Path file = write(bytes);
    assertThat(FormatInspector.inspect(file).virtualSize()).isEqualTo(100_000);
    assertThat(FormatInspector.requireSafe(file, "raw").format()).isEqualTo(ImageFormat.RAW);
    assertThat(FormatInspector.requireSafe(file, "ami").format()).isEqualTo(ImageFormat.RAW);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void inspect_plainQcow2_versionAndSize(int version) throws Exception {
    Path file = write(new TestImages.Qcow2().version(version).build());
    InspectedImage image = FormatInspector.requireSafe(file, "qcow2");
    assertThat(image.format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(image.qcow2Version()).isEqualTo(version);
    assertThat(image.virtualSize()).isEqualTo(1L << 30);
    assertThat(image.backingFile()).isEmpty();
    assertThat(image.incompatibleFeatures()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void requireSafe_qcow2WithBackingFile_unsafeNamingIt(int version) throws Exception {
    Path file = write(new TestImages.Qcow2().version(version).backing("/etc/shadow", "raw").build());
    InspectedImage image = FormatInspector.inspect(file);
    assertThat(image.backingFile()).contains("/etc/shadow");
    assertThat(image.backingFormat()).contains("raw");
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(file, "qcow2"));
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("/etc/shadow");
    assertThat(e.details()).containsEntry("backing_file", "/etc/shadow").containsEntry("backing_format", "raw");
  }

  @Test
  void requireSafe_qcow2BackingWithoutFormat_unsafe() throws Exception {
    Path file = write(new TestImages.Qcow2().backing("json:{\"driver\":\"nbd\"}", null).build());
    assertThat(FormatInspector.inspect(file).backingFormat()).isEmpty();
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "qcow2")).reason()).isEqualTo(Reason.UNSAFE_IMAGE);
  }

  @Test
  void requireSafe_qcow2DataFileExtensionAndBit_unsafe() throws Exception {
    TestImages.Qcow2 q = new TestImages.Qcow2();
    q.dataFile = "/dev/sda";
    q.incompatible = 4;
    Path file = write(q.build());
    assertThat(FormatInspector.inspect(file).dataFile()).contains("/dev/sda");
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(file, "qcow2"));
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.details()).containsEntry("data_file", "/dev/sda");
  }

  @Test
  void requireSafe_qcow2DataFileExtensionWithoutBit_unsafe() throws Exception {
    TestImages.Qcow2 q = new TestImages.Qcow2();
    q.dataFile = "x.raw";
    Path file = write(q.build());
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "qcow2")).reason()).isEqualTo(Reason.UNSAFE_IMAGE);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 5, 63})
  void requireSafe_qcow2RefusedIncompatibleBit_unsafe(int bit) throws Exception {
    TestImages.Qcow2 q = new TestImages.Qcow2();
    q.incompatible = 1L << bit;
    Path file = write(q.build());
    assertThat(FormatInspector.inspect(file).incompatibleFeatures()).isEqualTo(1L << bit);
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(file, "qcow2"));
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("incompatible features");
  }

  @Test
  void requireSafe_qcow2CompressionTypeBit_ok() throws Exception {
    TestImages.Qcow2 q = new TestImages.Qcow2();
    q.incompatible = 1L << 3;
    q.compressionType = 1;
    assertThat(FormatInspector.requireSafe(write(q.build()), "qcow2").incompatibleFeatures()).isEqualTo(8);
  }

  @Test
  void requireSafe_qcow2ExtendedL2Bit_ok() throws Exception {
    TestImages.Qcow2 q = new TestImages.Qcow2();
    q.incompatible = 1L << 4;
    assertThat(FormatInspector.requireSafe(write(q.build()), "qcow2").incompatibleFeatures()).isEqualTo(16);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void requireSafe_qcow2Encrypted_unsafe(int cryptMethod) throws Exception {
    TestImages.Qcow2 q = new TestImages.Qcow2();
    q.cryptMethod = cryptMethod;
    Path file = write(q.build());
    assertThat(FormatInspector.inspect(file).encrypted()).isTrue();
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(file, "qcow2"));
    assertThat(e.getMessage()).contains("encrypted");
  }

  @Test
  void requireSafe_rawDiskFormatWithPlantedQcow2_formatMismatch() throws Exception {
    byte[] disk = new byte[1 << 20];
    byte[] header = new TestImages.Qcow2().backing("/etc/passwd", "raw").build();
    System.arraycopy(header, 0, disk, 0, 4096);
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(write(disk), "raw"));
    assertThat(e.reason()).isEqualTo(Reason.FORMAT_MISMATCH);
    assertThat(e.details()).containsEntry("format", "qcow2").containsEntry("disk_format", "raw");
  }

  @Test
  void requireSafe_rawDiskFormatWithMalformedQcow2_stillFormatMismatch() throws Exception {
    byte[] header = new TestImages.Qcow2().build();
    header[23] = 40;
    assertThat(refusal(() -> FormatInspector.requireSafe(write(header), "raw")).reason())
        .isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void requireSafe_qcow2DiskFormatWithoutMagic_formatMismatch() throws Exception {
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(write(new byte[4096]), "qcow2"));
    assertThat(e.reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void requireSafe_unknownDiskFormat_formatMismatch() throws Exception {
    Path file = write(new byte[512]);
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "ova")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void requireSafe_isoUnderIsoOrRaw_ok_rawUnderIso_mismatch() throws Exception {
    byte[] iso = new byte[0x9000];
    System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, iso, 0x8001, 5);
    Path file = write(iso);
    assertThat(FormatInspector.requireSafe(file, "iso").virtualSize()).isEqualTo(0x9000);
    assertThat(FormatInspector.requireSafe(file, "raw").format()).isEqualTo(ImageFormat.ISO);
    Path raw = write(new byte[0x9000]);
    assertThat(refusal(() -> FormatInspector.requireSafe(raw, "iso")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void inspect_symlink_fileUnreadable() throws Exception {
    Path target = write(new TestImages.Qcow2().build());
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertThat(refusal(() -> FormatInspector.inspect(link)).reason()).isEqualTo(Reason.FILE_UNREADABLE);
    assertThat(refusal(() -> FormatInspector.requireSafe(link, "qcow2")).reason())
        .isEqualTo(Reason.FILE_UNREADABLE);
  }

  @Test
  void inspect_directoryOrMissing_fileUnreadable() {
    assertThat(refusal(() -> FormatInspector.inspect(dir)).reason()).isEqualTo(Reason.FILE_UNREADABLE);
    assertThat(refusal(() -> FormatInspector.inspect(dir.resolve("nope"))).reason())
        .isEqualTo(Reason.FILE_UNREADABLE);
  }
}
