package io.imgtrust.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The system runner against small real tools (sh, printf, sleep). */
class CommandRunnerTest {
  private static final Duration T = Duration.ofSeconds(20);
  private final CommandRunner runner = CommandRunner.system();

  @Test
  void run_withStdinFile_toolReadsItAndTheDefaultRunnerGivesNothing(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path in = java.nio.file.Files.writeString(dir.resolve("in.xml"), "<domain/>");

    assertThat(CommandRunner.system(in).run(List.of("cat"), T).stdoutText()).isEqualTo("<domain/>");
    assertThat(runner.run(List.of("cat"), T).stdoutText()).isEmpty();
  }

  @Test
  void run_success_exitCodeAndBothStreamsKeptApart() throws Exception {
    CommandResult r = runner.run(List.of("sh", "-c", "printf out; printf err >&2"), T);

    assertThat(r.exitCode()).isZero();
    assertThat(r.timedOut()).isFalse();
    assertThat(r.stdoutText()).isEqualTo("out");
    assertThat(r.stderr()).isEqualTo("err");
    assertThat(r.requireSuccess()).isSameAs(r);
  }

  @Test
  void runChecked_nonZeroExit_ioErrorNamingToolAndStderr() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> runner.runChecked(List.of("sh", "-c", "echo broken >&2; exit 3"), T));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(e.getMessage()).contains("sh -c").contains("exit 3").contains("broken");
    assertThat(e.details()).containsEntry("tool", "sh").containsEntry("exit_code", 3);
  }

  @Test
  void run_outlivesTimeout_killedAndSaysSo() throws Exception {
    long start = System.nanoTime();
    CommandResult r = runner.run(List.of("sleep", "30"), Duration.ofMillis(300));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(r.timedOut()).isTrue();
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, r::requireSuccess);
    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(e.getMessage()).contains("sleep").contains("killed");
  }

  @Test
  void run_longOutput_boundedAndMarkedTruncated() throws Exception {
    CommandResult r = runner.run(List.of("sh", "-c", "head -c 3000000 /dev/zero; head -c 9000 /dev/zero >&2"), T);

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).hasSize(CommandRunner.STDOUT_KEPT);
    assertThat(r.stdoutTruncated()).isTrue();
    assertThat(r.stderr().length()).isLessThanOrEqualTo(CommandRunner.STDERR_KEPT);
  }

  @Test
  void run_missingTool_ioErrorNamingIt() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> runner.run(List.of("no-such-tool-imgtrust", "x"), T));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(e.getMessage()).contains("no-such-tool-imgtrust");
  }
}
