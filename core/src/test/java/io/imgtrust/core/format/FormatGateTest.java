package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refusals the gate makes before qemu-img runs (the rest is in {@code QemuOpinionIT}). */
class FormatGateTest {
  private static final List<String> DEFAULT_FORMATS = List.of("raw", "qcow2");

  @TempDir Path dir;

  private static ImageTrustException refusal(FormatInspectorTest.ThrowingCall call) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, call::run);
    assertThat(e).as("expected a refusal").isNotNull();
    return e;
  }

  @Test
  void admit_diskFormatNotAllowed_unsafeNamingTheOptionBeforeReadingTheFile() {
    Path missing = dir.resolve("never-read");

    ImageTrustException e = refusal(() -> FormatGate.of(DEFAULT_FORMATS, 1L << 40).admit(missing, "vmdk"));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("allowed_disk_formats").contains("vmdk");
    assertThat(e.details()).containsEntry("option", FormatGate.ALLOWED_OPTION);
  }

  @Test
  void admit_virtualSizeAboveLimit_unsafeNamingTheOption() throws Exception {
    TestImages.Qcow2 big = new TestImages.Qcow2();
    big.size = 2L << 40;
    Path file = Files.write(dir.resolve("big.qcow2"), big.build());

    ImageTrustException e = refusal(() -> FormatGate.of(DEFAULT_FORMATS, 1L << 40).admit(file, "qcow2"));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("max_virtual_size").contains(Long.toString(2L << 40));
  }

  @Test
  void admit_inspectorRefusalsComeFirst_formatMismatchStays() throws Exception {
    Path file = Files.write(dir.resolve("liar"), new TestImages.Qcow2().build());

    assertThat(refusal(() -> FormatGate.of(DEFAULT_FORMATS, 1L << 40).admit(file, "raw")).reason())
        .isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void of_negativeLimit_rejected() {
    assertThatThrownBy(() -> FormatGate.of(DEFAULT_FORMATS, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
