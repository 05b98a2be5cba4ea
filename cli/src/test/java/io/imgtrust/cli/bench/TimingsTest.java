package io.imgtrust.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Timings}: the rounds it runs, the medians it reports, and how its commands fail. */
class TimingsTest {
  @TempDir Path dir;

  @Test
  void exec_nonZeroExit_failsNamingTheCommandAndItsStderr() {
    ImageTrustException e = Refusals.refused(Reason.INTERNAL,
        () -> Timings.exec(List.of("ls", dir.resolve("missing").toString())));

    assertThat(e.getMessage()).contains("exited 2").contains("ls " + dir.resolve("missing"))
        .contains("No such file");
  }

  @Test
  void tryExec_nonZeroExit_isNotAnError() throws Exception {
    Timings.tryExec(List.of("false"));
    Timings.exec(List.of("true"));
  }

  @Test
  void execWithInput_feedsTheFileAsStandardInput() throws Exception {
    Path in = Files.writeString(dir.resolve("in"), "x");

    Timings.execWithInput(List.of("grep", "-q", "x"), in);
    Refusals.refused(Reason.INTERNAL, () -> Timings.execWithInput(List.of("grep", "-q", "y"), in));
  }

  @Test
  void run_warmUpThenEveryStepOncePerRound_medianOfSamples() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Timings t = new Timings().add("count", runs::incrementAndGet).add("true", List.of("true"));

    t.run(3);

    assertThat(runs.get()).isEqualTo(4);
    assertThat(t.samples("count")).hasSize(3);
    assertThat(t.names()).containsExactly("count", "true");
    assertThat(Timings.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Timings.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }
}
