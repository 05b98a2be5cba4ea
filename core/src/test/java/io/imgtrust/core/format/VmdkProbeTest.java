package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text that qemu's {@code vmdk_probe} takes as a descriptor file, and the refusals that follow from it. */
class VmdkProbeTest {
  private static final String EXTENT = "RW 8 FLAT \"/tmp/imgtrust-fifo\" 0\n";

  @TempDir Path dir;

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  private Path file(String head) throws Exception {
    byte[] text = (head.replace("\\r", "\r").replace("\\n", "\n") + EXTENT).getBytes(StandardCharsets.ISO_8859_1);
    byte[] image = new byte[64 << 10];
    System.arraycopy(text, 0, image, 0, text.length);
    return Files.write(dir.resolve("image.raw"), image);
  }

  private static ImageTrustException refusal(Path file, String diskFormat) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> FormatInspector.requireSafe(file, diskFormat));
    assertThat(e).as("expected a refusal").isNotNull();
    return e;
  }

  @ParameterizedTest
  @ValueSource(strings = {"version=1\\n", "version=2\\r\\n", "version=3\\n", "# Disk\\nversion=1\\n",
      "#\\n# another comment\\nversion=1\\n", "   \\nversion=1\\n", " \\r\\n#c\\n  \\nversion=2\\n"})
  void isDescriptor_commentsAndBlankLinesThenVersion_matchesAsQemu(String head) {
    assertThat(VmdkProbe.isDescriptor(text(head + "CID=fffffffe\\n"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\nversion=1\\n", "version=4\\n", "version=1", "Version=1\\n", " version=1\\n",
      "\\r\\nversion=1\\n", "x\\nversion=1\\n", "version=1 \\n", "", "#only a comment\\n"})
  void isDescriptor_otherText_noMatchAsQemu(String head) {
    assertThat(VmdkProbe.isDescriptor(text(head))).isFalse();
  }

  @Test
  void isDescriptor_versionBeyondQemusProbeBuffer_noMatch() {
    String comments = ("#" + "c".repeat(98) + "\n").repeat(21);
    assertThat(comments.length()).isGreaterThan(VmdkProbe.QEMU_PROBE_BUFFER);

    assertThat(VmdkProbe.isDescriptor(text(comments + "version=1\n"))).isFalse();
    assertThat(VmdkProbe.isDescriptor(text(comments.substring(0, 1900) + "version=1\n"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"version=1\\n", "#comment\\nversion=1\\n", "  \\nversion=2\\r\\n",
      "#a\\n \\r\\nversion=3\\n"})
  void requireSafe_textQemuProbesAsVmdk_formatMismatchAsRawUnsafeAsVmdk(String head) throws Exception {
    Path f = file(head);

    ImageTrustException raw = refusal(f, "raw");
    ImageTrustException vmdk = refusal(f, "vmdk");

    assertThat(raw.reason()).isEqualTo(Reason.FORMAT_MISMATCH);
    assertThat(raw.getMessage()).contains("vmdk");
    assertThat(vmdk.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(vmdk.getMessage()).contains("descriptor file");
  }

  @Test
  void requireSafe_emptyLineBeforeVersion_rawAsQemuSeesIt() throws Exception {
    assertThat(FormatInspector.requireSafe(file("# x\\n\\nversion=1\\n"), "raw").format()).isEqualTo(ImageFormat.RAW);
  }
}
