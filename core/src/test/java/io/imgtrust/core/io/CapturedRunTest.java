package io.imgtrust.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapturedRunTest {
  @Test
  void run_toolOutlivesItsLimit_killedAndReportedAsTimeoutNotThrown() throws Exception {
    long started = System.nanoTime();

    CapturedRun run = CapturedRun.run(List.of("sleep", "60"), Duration.ofMillis(500),
        1024);

    assertThat(run.timedOut()).isTrue();
    assertThat(run.exitCode()).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void run_toolEndsInTime_outputExitAndStderrKept() throws Exception {
    CapturedRun run = CapturedRun.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30),
        1024);

    assertThat(run.timedOut()).isFalse();
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(new String(run.stdout(), StandardCharsets.UTF_8)).isEqualTo("out\n");
    assertThat(run.stderr()).isEqualTo("err");
  }
}
