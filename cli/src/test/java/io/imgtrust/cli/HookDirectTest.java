package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HookDirect}: only the hook script's own command line, and then what picocli's path gives. */
class HookDirectTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldErr;
  private InputStream oldIn;

  @BeforeEach
  void capture() {
    oldErr = System.err;
    oldIn = System.in;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(oldErr);
    System.setIn(oldIn);
  }

  private String config() throws Exception {
    return Files.writeString(dir.resolve("imgtrust.conf"), "[DEFAULT]\ninstances_path = " + dir.resolve("instances")
        + "\n[image_cache]\nimmutable_files = false\n[verification]\nhost_key_file = " + dir.resolve("host.key")
        + "\n").toString();
  }

  @Test
  void run_anyOtherCommandLine_leftToPicocli() throws Exception {
    String c = config();
    for (List<String> args : List.of(
        List.of("hook", "qemu", "d", "prepare", "begin", "-"),
        List.of("-v", "hook", "qemu", "--", "d", "prepare", "begin", "-"),
        List.of("--json", "--config", c, "hook", "qemu", "--", "d", "prepare", "begin", "-"),
        List.of("--config", c, "--json", "hook", "qemu", "--", "d", "prepare", "begin", "-"),
        List.of("--config", c, "hook", "qemu", "--", "d", "prepare"),
        List.of("--config", c, "hook", "qemu", "--", "d", "prepare", "begin", "-", "x"),
        List.of("--config", c, "hook", "install"),
        List.of("--config", c, "verify", "--", "a", "b", "c"),
        List.of("--config", "imgtrust.conf", "hook", "qemu", "--", "d", "prepare", "begin", "-"),
        List.of("--config", "hook", "hook", "qemu", "--", "d", "release", "end", "-"),
        List.of("--config", "--json", "hook", "qemu", "--", "d", "release", "end", "-"),
        List.of("--config"))) {
      assertThat(HookDirect.run(args.toArray(new String[0]))).as("%s", args).isEmpty();
    }
  }

  @Test
  void run_otherOperation_exit0LikePicocli() throws Exception {
    assertSameAsPicocli("<domain/>", "--config", config(), "hook", "qemu", "--", "d", "release", "end", "-");
  }

  @Test
  void run_withoutConfigOtherOperation_takenDirectlyExit0() {
    System.setIn(new ByteArrayInputStream("<domain/>".getBytes(StandardCharsets.UTF_8)));

    assertThat(HookDirect.run(new String[] {"hook", "qemu", "--", "d", "release", "end", "-"})).hasValue(0);
  }

  @Test
  void run_domainNamedJson_refusalIsTheTextLineOnStderrOnBothPaths() throws Exception {
    int code = assertSameAsPicocli("<not-a-domain", "--config", config(), "hook", "qemu", "--", "--json", "prepare",
        "begin", "-");

    assertThat(code).isEqualTo(2);
    assertThat(reasons(err.toString(StandardCharsets.UTF_8))).singleElement().asString()
        .startsWith("imgtrust: MALFORMED_DOMAIN");
  }

  @Test
  void run_malformedDomainOnPrepareBegin_sameExitAndMessageAsPicocli() throws Exception {
    int code = assertSameAsPicocli("<not-a-domain", "--config", config(), "hook", "qemu", "--", "--help", "prepare",
        "begin", "-");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("MALFORMED_DOMAIN");
  }

  @Test
  void run_missingConfig_sameExitAndMessageAsPicocli() throws Exception {
    int code = assertSameAsPicocli("<domain/>", "--config", dir.resolve("missing.conf").toString(), "hook", "qemu",
        "--", "d", "prepare", "begin");

    assertThat(code).isNotZero();
  }

  /**
   * Runs {@code args} directly and through picocli, each with {@code xml} on stdin; both must give the same status and
   * the same reason lines. Returns the status.
   */
  private int assertSameAsPicocli(String xml, String... args) {
    System.setIn(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    OptionalInt direct = HookDirect.run(args);
    String directErr = err.toString(StandardCharsets.UTF_8);
    err.reset();
    System.setIn(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    int picocli = Main.run(args);

    assertThat(direct).hasValue(picocli);
    assertThat(reasons(directErr)).isEqualTo(reasons(err.toString(StandardCharsets.UTF_8)));
    return picocli;
  }

  /** The contract's lines on stderr ({@code imgtrust: REASON: message}), without log lines. */
  private static List<String> reasons(String stderr) {
    return stderr.lines().filter(l -> l.startsWith("imgtrust:")).collect(Collectors.toList());
  }
}
