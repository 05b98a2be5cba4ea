package io.imgtrust.core.io;

import io.imgtrust.core.ImageTrustException;
import java.time.Duration;
import java.util.List;

/**
 * Runs external tools (qemu-img, chattr, lvm2, ...) for the cache and the backends: always an argument list, never a
 * shell string, never a secret in argv. Part of the backend SPI ({@code BackendContext.runner()}); unit tests replace
 * it with a fake that records argv and plays the tool.
 *
 * <p>Contract: {@link #run} starts {@code argv}, waits at most {@code timeout}, and returns the exit status with
 * standard output and standard error captured and bounded (the rest is read and dropped, so a tool never blocks on
 * a full pipe). A tool that outlives its time is killed and the result says so ({@link CommandResult#timedOut()}).
 * Standard input is {@code /dev/null}. Implementations are thread-safe.
 */
public interface CommandRunner {
  /** How much of standard output the {@link #system()} runner keeps. */
  int STDOUT_KEPT = 1 << 20;
  /** How much of standard error is kept, for messages. */
  int STDERR_KEPT = 4096;

  /**
   * Runs {@code argv} to its end or for at most {@code timeout}.
   *
   * @throws ImageTrustException {@code IO_ERROR} naming the tool when it cannot be started or the caller is
   *     interrupted (the tool is then killed); a non-zero exit or a timeout is in the result, not thrown
   */
  CommandResult run(List<String> argv, Duration timeout) throws ImageTrustException;

  /**
   * Runs {@code argv} like {@link #run} and requires it to succeed.
   *
   * @throws ImageTrustException {@code IO_ERROR} naming the tool, with its exit status and standard error, or saying
   *     that it was killed after {@code timeout}
   */
  default CommandResult runChecked(List<String> argv, Duration timeout) throws ImageTrustException {
    return run(argv, timeout).requireSuccess();
  }

  /** The runner that starts real processes through {@link ProcessBuilder}, standard input empty. */
  static CommandRunner system() {
    return ProcessRunner.INSTANCE;
  }

  /** Like {@link #system()}, with {@code stdin} (a file) as every tool's standard input. */
  static CommandRunner system(java.nio.file.Path stdin) {
    return new ProcessRunner(stdin.toFile());
  }
}
