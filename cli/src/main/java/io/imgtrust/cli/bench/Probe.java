package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import java.time.Duration;
import java.util.List;

/** Whether a service a benchmark needs answers: a short command that must succeed within 30 seconds. */
final class Probe {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private Probe() {}

  /** A check of a service. */
  interface Check {
    void run() throws ImageTrustException;
  }

  /**
   * A check run at most once: later calls give the first one's result, so that {@code bench all}, whose parts share
   * one option object per service, asks a service that does not answer once rather than once per part.
   */
  static final class Once {
    private boolean done;
    private ImageTrustException failure;

    void require(Check check) throws ImageTrustException {
      if (!done) {
        done = true;
        try {
          check.run();
        } catch (ImageTrustException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /**
   * Runs {@code argv}.
   *
   * @throws ImageTrustException {@code reason}, with {@code what} and the tool's last line of error, when it cannot
   *     start, fails or does not answer in time
   */
  static void require(Reason reason, String what, List<String> argv) throws ImageTrustException {
    String why;
    try {
      CommandResult r = CommandRunner.system().run(argv, LIMIT);
      if (!r.timedOut() && r.exitCode() == 0) {
        return;
      }
      why = r.timedOut() ? "no answer in " + LIMIT.toSeconds() + " s" : lastLine(r.stderr());
    } catch (ImageTrustException e) {
      why = e.getMessage();
    }
    throw ImageTrustException.of(reason, what + " (" + String.join(" ", argv) + ": " + why + ")");
  }

  private static String lastLine(String s) {
    String[] lines = s.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
