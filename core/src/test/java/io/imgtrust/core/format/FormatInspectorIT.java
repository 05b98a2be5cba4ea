package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cross-checks the inspector against real qemu-img; a missing qemu-img fails these tests. */
class FormatInspectorIT {
  private static final String QEMU_IMG = "/usr/bin/qemu-img";

  @TempDir Path dir;

  @BeforeAll
  static void qemuImgPresent() {
    assertThat(Path.of(QEMU_IMG)).as("qemu-img is required for this integration test").isExecutable();
  }

  private static String run(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(QEMU_IMG));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("qemu-img %s: %s", command, out).isZero();
    return out;
  }

  private Path create(String name, String format, String size, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("create", "-q", "-f", format));
    for (String option : options) {
      args.add("-o");
      args.add(option);
    }
    args.add(name);
    args.add(size);
    run(dir, args.toArray(String[]::new));
    return dir.resolve(name);
  }

  private JsonNode info(Path file, String format) throws Exception {
    return new ObjectMapper().readTree(run(dir, "info", "--output=json", "-f", format, file.toString()));
  }

  private static ImageTrustException refusal(FormatInspectorTest.ThrowingCall call) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, call::run);
    assertThat(e).as("expected a refusal").isNotNull();
    return e;
  }

  private void assertMatchesQemu(Path file, ImageFormat expected) throws Exception {
    JsonNode info = info(file, expected.qemuName());
    InspectedImage image = FormatInspector.requireSafe(file, expected.glanceName());
    assertThat(image.format()).isEqualTo(expected);
    assertThat(image.format().qemuName()).isEqualTo(info.get("format").asText());
    assertThat(image.virtualSize()).isEqualTo(info.get("virtual-size").asLong());
    if (expected != ImageFormat.RAW) {
      assertThat(refusal(() -> FormatInspector.requireSafe(file, "raw")).reason())
          .isEqualTo(Reason.FORMAT_MISMATCH);
    }
  }

  @ParameterizedTest(name = "{0} {2} {3}")
  @CsvSource({
    "raw, RAW, 100M, ''",
    "qcow2, QCOW2, 1G, compat=0.10",
    "qcow2, QCOW2, 1G, compat=1.1",
    "qcow2, QCOW2, 3G, lazy_refcounts=on",
    "qcow2, QCOW2, 1G, cluster_size=512",
    "qcow2, QCOW2, 1G, cluster_size=2M",
    "qcow2, QCOW2, 1G, extended_l2=on",
    "parallels, PARALLELS, 1G, ''",
    "vmdk, VMDK, 1G, ''",
    "vmdk, VMDK, 1G, subformat=streamOptimized",
    "vpc, VHD, 1G, ''",
    "vpc, VHD, 100M, subformat=fixed",
    "vpc, VHD, 1G, force_size=on",
    "vhdx, VHDX, 10G, ''",
    "vhdx, VHDX, 5M, subformat=fixed",
    "vdi, VDI, 1G, ''",
    "vdi, VDI, 64M, static=on",
  })
  void requireSafe_qemuCreatedImage_matchesQemuImgInfo(String qemuFormat, ImageFormat expected, String size,
      String option) throws Exception {
    Path file = option.isEmpty()
        ? create("img." + qemuFormat, qemuFormat, size)
        : create("img." + qemuFormat, qemuFormat, size, option);
    assertMatchesQemu(file, expected);
  }

  @Test
  void requireSafe_qcow2Zstd_okWithBit3() throws Exception {
    Path file = create("zstd.qcow2", "qcow2", "1G", "compression_type=zstd");
    assertMatchesQemu(file, ImageFormat.QCOW2);
    assertThat(FormatInspector.inspect(file).incompatibleFeatures()).isEqualTo(1L << 3);
  }

  @Test
  void requireSafe_qcow2WithBackingFile_unsafeNamingIt() throws Exception {
    create("base.raw", "raw", "64M");
    run(dir, "create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", "overlay.qcow2");
    Path overlay = dir.resolve("overlay.qcow2");
    InspectedImage image = FormatInspector.inspect(overlay);
    assertThat(image.backingFile()).contains("base.raw");
    assertThat(image.backingFormat()).contains("raw");
    assertThat(image.virtualSize()).isEqualTo(info(overlay, "qcow2").get("virtual-size").asLong());
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(overlay, "qcow2"));
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("base.raw");
  }

  @Test
  void requireSafe_qcow2WithDataFile_unsafe() throws Exception {
    Path file = create("data.qcow2", "qcow2", "64M", "data_file=x.raw");
    InspectedImage image = FormatInspector.inspect(file);
    assertThat(image.dataFile()).contains("x.raw");
    assertThat(image.incompatibleFeatures() & 4).isEqualTo(4);
    ImageTrustException e = refusal(() -> FormatInspector.requireSafe(file, "qcow2"));
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("x.raw");
  }

  @Test
  void requireSafe_vmdkMonolithicFlat_unsafe() throws Exception {
    Path file = create("flat.vmdk", "vmdk", "64M", "subformat=monolithicFlat");
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "vmdk")).reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(refusal(() -> FormatInspector.requireSafe(file, "raw")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
  }

  @Test
  void requireSafe_vmdkWithBackingFile_unsafe() throws Exception {
    Path base = create("base.vmdk", "vmdk", "64M");
    run(dir, "create", "-q", "-f", "vmdk", "-b", base.toString(), "-F", "vmdk", "child.vmdk");
    Path child = dir.resolve("child.vmdk");
    assertThat(FormatInspector.inspect(child).backingFile()).contains(base.toString());
    assertThat(refusal(() -> FormatInspector.requireSafe(child, "vmdk")).reason()).isEqualTo(Reason.UNSAFE_IMAGE);
  }

  @Test
  void requireSafe_convertedWithData_matchesQemuImgInfo() throws Exception {
    Path raw = dir.resolve("data.raw");
    byte[] bytes = new byte[3 << 20];
    new java.util.Random(7).nextBytes(bytes);
    Files.write(raw, bytes);
    for (String[] target : new String[][] {{"qcow2", "QCOW2"}, {"vmdk", "VMDK"}, {"vpc", "VHD"},
        {"vhdx", "VHDX"}, {"vdi", "VDI"}, {"parallels", "PARALLELS"}}) {
      Path out = dir.resolve("conv." + target[0]);
      run(dir, "convert", "-q", "-f", "raw", "-O", target[0], raw.toString(), out.toString());
      assertMatchesQemu(out, ImageFormat.valueOf(target[1]));
    }
  }
}
