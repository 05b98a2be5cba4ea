package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gate with real qemu-img (under prlimit): qemu's second opinion, allowed formats, maximum virtual size. */
class QemuOpinionIT {
  private static final long ONE_TIB = 1L << 40;
  private static final FormatGate ALL = FormatGate.of(List.of("raw", "qcow2", "vmdk"), ONE_TIB);

  @TempDir Path dir;

  /** Runs qemu-img in the test directory; returns the file named {@code out} there. */
  private Path qemuImg(String out, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("qemu-img"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, output).isZero();
    return dir.resolve(out);
  }

  private static ImageTrustException refusal(FormatInspectorTest.ThrowingCall call) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, call::run);
    assertThat(e).as("expected a refusal").isNotNull();
    return e;
  }

  @Test
  void admit_rawDeclaredQed_unsafeAsQemuProbesQed() throws Exception {
    Path file = qemuImg("img.qed", "create", "-q", "-f", "qed", "img.qed", "64M");
    assertThat(FormatInspector.requireSafe(file, "raw").format()).as("the inspector alone sees raw")
        .isEqualTo(ImageFormat.RAW);

    ImageTrustException e = refusal(() -> ALL.admit(file, "raw"));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("qemu-img info disagrees on the format").contains("qed");
  }

  @Test
  void admit_rawDeclaredVmdk3Magic_unsafeFromQemu() throws Exception {
    byte[] cowd = new byte[64 << 10];
    System.arraycopy("COWD".getBytes(StandardCharsets.US_ASCII), 0, cowd, 0, 4);
    Path file = Files.write(dir.resolve("cowd.raw"), cowd);

    ImageTrustException e = refusal(() -> ALL.admit(file, "raw"));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("qemu-img info");
  }

  @Test
  void admit_qcowVersion1_refusedAsRawOrQcow2() throws Exception {
    Path file = qemuImg("img.qcow", "create", "-q", "-f", "qcow", "img.qcow", "64M");

    assertThat(refusal(() -> ALL.admit(file, "raw")).reason()).isEqualTo(Reason.FORMAT_MISMATCH);
    assertThat(refusal(() -> ALL.admit(file, "qcow2")).reason()).isEqualTo(Reason.UNSAFE_IMAGE);
  }

  @Test
  void ask_hostFileAttack_qemuWouldOpenTheHostFile() throws Exception {
    Path host = Files.writeString(dir.resolve("host-secret"), "HOST-SECRET-MARKER\n".repeat(27));
    Path attack = Files.write(dir.resolve("attack.vmdk"), VmdkWriter.hostFileAttack(host, 1));
    InspectedImage footerView = InspectedImage.builder(ImageFormat.VMDK, 512).vmdkCreateType("streamOptimized")
        .build();

    ImageTrustException e = refusal(() -> QemuOpinion.ask(CommandRunner.system(), attack).requireAgrees(footerView));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("VMDK extent").contains(host.toString());
    assertThat(refusal(() -> ALL.admit(attack, "vmdk")).getMessage()).contains("capacity 0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"monolithicSparse", "streamOptimized"})
  void admit_qemuMadeVmdk_passes(String subformat) throws Exception {
    Path raw = dir.resolve("data.raw");
    byte[] bytes = new byte[3 << 20];
    new Random(5).nextBytes(bytes);
    Files.write(raw, bytes);
    Path converted = qemuImg("conv.vmdk", "convert", "-q", "-f", "raw", "-O", "vmdk", "-o", "subformat=" + subformat,
        raw.toString(), "conv.vmdk");
    Path created = qemuImg("new.vmdk", "create", "-q", "-f", "vmdk", "-o", "subformat=" + subformat, "new.vmdk", "1G");

    assertThat(ALL.admit(converted, "vmdk").virtualSize()).isEqualTo(3 << 20);
    assertThat(ALL.admit(created, "vmdk").vmdkCreateType()).contains(subformat);
  }

  @Test
  void admit_qemuMadeQcow2AndRaw_passes() throws Exception {
    assertThat(ALL.admit(qemuImg("a.qcow2", "create", "-q", "-f", "qcow2", "a.qcow2", "1G"), "qcow2").virtualSize())
        .isEqualTo(1L << 30);
    Path odd = Files.write(dir.resolve("odd.raw"), new byte[1000]);
    assertThat(ALL.admit(odd, "raw").virtualSize()).isEqualTo(1000);
  }

  @Test
  void admit_qcow2AboveDefaultLimit_unsafeBeforeConversion() throws Exception {
    Path big = qemuImg("big.qcow2", "create", "-q", "-f", "qcow2", "big.qcow2", "2T");

    ImageTrustException e = refusal(() -> ALL.admit(big, "qcow2"));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("max_virtual_size");
    assertThat(refusal(() -> FormatGate.of(List.of("qcow2"), 1L << 20)
        .admit(qemuImg("small.qcow2", "create", "-q", "-f", "qcow2", "small.qcow2", "64M"), "qcow2")).getMessage())
        .contains("max_virtual_size");
  }

  @Test
  void admit_craftedVmdkCorpusAndMutations_typedOutcomesAndQemuAgreesWhenAdmitted() throws Exception {
    List<byte[]> corpus = VmdkCorpus.variants();
    Random random = new Random(11);
    int admitted = 0;
    for (int i = 0; i < corpus.size() * 12; i++) {
      byte[] image = corpus.get(i % corpus.size()).clone();
      if (i >= corpus.size()) {
        image[random.nextInt(Math.min(VmdkCorpus.HEADER_AND_DESCRIPTOR, image.length))] = (byte) random.nextInt(256);
      }
      Path file = Files.write(dir.resolve("corpus-" + i + ".vmdk"), image);
      try {
        InspectedImage ok = ALL.admit(file, "vmdk");
        assertThat(QemuOpinion.ask(CommandRunner.system(), file).format()).isEqualTo("vmdk");
        assertThat(ok.backingFile()).isEmpty();
        admitted++;
      } catch (ImageTrustException e) {
        assertThat(e.reason()).isIn(Reason.UNSAFE_IMAGE, Reason.FORMAT_MISMATCH);
      } catch (RuntimeException | Error e) {
        fail("untyped failure for corpus image " + i, e);
      }
    }
    assertThat(admitted).as("the self-contained variants pass").isGreaterThanOrEqualTo(2);
  }

  /** A raw-declared text file qemu probes as a VMDK descriptor, with a FLAT extent naming a FIFO (qemu blocks). */
  private Path fifoDescriptor(String head) throws Exception {
    Path fifo = dir.resolve("fifo");
    if (!Files.exists(fifo)) {
      assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
    }
    String text = head.replace("\\n", "\n").replace("\\r", "\r") + "CID=fffffffe\nparentCID=ffffffff\n"
        + "createType=\"monolithicFlat\"\n\n# Extent description\nRW 8 FLAT \"" + fifo + "\" 0\n";
    byte[] image = new byte[64 << 10];
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(bytes, 0, image, 0, bytes.length);
    return Files.write(dir.resolve("image.raw"), image);
  }

  @ParameterizedTest
  @CsvSource({"version=1\\n", "# comment\\nversion=1\\n", "'#\\n   \\nversion=2\\n'",
      "'  \\r\\nversion=1\\r\\n'"})
  void admit_rawDeclaredTextQemuProbesAsVmdkWithFifoExtent_refusedBeforeQemuRuns(String head) throws Exception {
    Path file = fifoDescriptor(head);
    long started = System.nanoTime();

    ImageTrustException raw = refusal(() -> ALL.admit(file, "raw"));
    ImageTrustException vmdk = refusal(() -> ALL.admit(file, "vmdk"));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no qemu-img blocked on the FIFO")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(raw.reason()).isEqualTo(Reason.FORMAT_MISMATCH);
    assertThat(vmdk.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(vmdk.getMessage()).contains("descriptor file");
  }

  @Test
  void ask_qemuBlockedOnFifoExtentUntilTimeout_unsafeImage() throws Exception {
    Path file = fifoDescriptor("version=1\\n");
    long started = System.nanoTime();

    ImageTrustException e = refusal(() -> QemuOpinion.ask(CommandRunner.system(), file, Duration.ofSeconds(3)));

    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains("did not finish within 3 s");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }
}
