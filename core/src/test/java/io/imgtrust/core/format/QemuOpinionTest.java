package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** qemu-img info JSON (as qemu 7.2 prints it) against what the inspector found; no qemu is run. */
class QemuOpinionTest {
  private static final String FILE = "/cache/_base/abc.part";
  private static final InspectedImage QCOW2 = InspectedImage.builder(ImageFormat.QCOW2, 1 << 26).build();

  private static String info(String format, long size, String extra) {
    return "{\"virtual-size\": " + size + ", \"filename\": \"" + FILE + "\", \"format\": \"" + format + "\", "
        + "\"actual-size\": 4096" + extra + ", \"dirty-flag\": false}";
  }

  private static QemuOpinion parse(String json) throws ImageTrustException {
    return QemuOpinion.parse(json.getBytes(StandardCharsets.UTF_8), FILE);
  }

  private static String refusal(String json, InspectedImage ours) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> parse(json).requireAgrees(ours));
    assertThat(e).as("expected a refusal").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    return e.getMessage();
  }

  @Test
  void requireAgrees_sameFormatAndSize_passes() {
    assertThatCode(() -> parse(info("qcow2", 1 << 26, "")).requireAgrees(QCOW2)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"qed", "qcow", "vmdk", "luks", "vpc"})
  void requireAgrees_qemuProbesAnotherFormatThanRaw_unsafe(String probed) {
    InspectedImage raw = InspectedImage.builder(ImageFormat.RAW, 1 << 20).build();

    assertThat(refusal(info(probed, 1 << 20, ""), raw)).contains("format").contains(probed);
  }

  @Test
  void requireAgrees_rawRoundedUpToSector_passesButOtherSizeRefused() throws Exception {
    InspectedImage raw = InspectedImage.builder(ImageFormat.RAW, 1000).build();
    parse(info("raw", 1024, "")).requireAgrees(raw);

    assertThat(refusal(info("raw", 1536, ""), raw)).contains("virtual size");
    assertThat(refusal(info("qcow2", (1 << 26) + 512, ""), QCOW2)).contains("virtual size");
  }

  @Test
  void requireAgrees_isoIsRawToQemu_passes() throws Exception {
    parse(info("raw", 1 << 20, "")).requireAgrees(InspectedImage.builder(ImageFormat.ISO, 1 << 20).build());
  }

  @Test
  void requireAgrees_backingFile_unsafeNamingIt() {
    String json = info("qcow2", 1 << 26, ", \"backing-filename\": \"/etc/shadow\"");

    assertThat(refusal(json, QCOW2)).contains("backing file").contains("/etc/shadow");
    assertThat(refusal(info("qcow2", 1 << 26, ", \"full-backing-filename\": \"/x\""), QCOW2)).contains("/x");
  }

  @Test
  void requireAgrees_dataFile_unsafeNamingIt() {
    String json = info("qcow2", 1 << 26,
        ", \"format-specific\": {\"type\": \"qcow2\", \"data\": {\"data-file\": \"/dev/sda\"}}");

    assertThat(refusal(json, QCOW2)).contains("data file").contains("/dev/sda");
  }

  @Test
  void requireAgrees_vmdkExtentNamingAnotherFile_unsafeButItselfPasses() throws Exception {
    InspectedImage vmdk = InspectedImage.builder(ImageFormat.VMDK, 1 << 20).build();
    String other = ", \"format-specific\": {\"type\": \"vmdk\", \"data\": {\"extents\": [{\"filename\": \""
        + FILE + "\"}, {\"filename\": \"/etc/shadow\", \"format\": \"FLAT\"}]}}";

    assertThat(refusal(info("vmdk", 1 << 20, other), vmdk)).contains("VMDK extent").contains("/etc/shadow");
    parse(info("vmdk", 1 << 20, other.replace("/etc/shadow", FILE))).requireAgrees(vmdk);
  }

  @Test
  void requireAgrees_childNodeNamingAnotherFile_unsafe() {
    String json = info("qcow2", 1 << 26, ", \"children\": [{\"name\": \"file\", \"info\": {\"filename\": \"" + FILE
        + "\"}}, {\"name\": \"data-file\", \"info\": {\"filename\": \"/root/x\"}}]");

    assertThat(refusal(json, QCOW2)).contains("child node data-file").contains("/root/x");
  }

  @Test
  void requireAgrees_encrypted_unsafe() {
    assertThat(refusal(info("qcow2", 1 << 26, ", \"encrypted\": true"), QCOW2)).contains("encrypt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[]", "null", "{\"format\": \"raw\"}", "{\"virtual-size\": 1}",
      "{\"format\": \"raw\", \"virtual-size\": \"big\"}", "{\"format\": \"raw\", \"virtual-size\": 1} {}",
      "{\"format\": \"raw\", \"format\": \"qcow2\", \"virtual-size\": 1}"})
  void parse_notOneWellFormedObject_unsafe(String json) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> parse(json));

    assertThat(e).as("expected a refusal for %s", json).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("qemu-img info");
  }
}
