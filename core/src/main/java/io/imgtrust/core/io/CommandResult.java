package io.imgtrust.core.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * How one run of an external tool ended: its argument list, exit status (or that it was killed after its time
 * limit), and its standard output and standard error as far as they were kept. Immutable.
 */
public final class CommandResult {
  private final ImmutableList<String> argv;
  private final Duration timeout;
  private final int exitCode;
  private final boolean timedOut;
  private final byte[] stdout;
  private final boolean stdoutTruncated;
  private final String stderr;

  private CommandResult(List<String> argv, Duration timeout, int exitCode, boolean timedOut, byte[] stdout,
      boolean stdoutTruncated, String stderr) {
    checkArgument(!argv.isEmpty(), "empty argv");
    this.argv = ImmutableList.copyOf(argv);
    this.timeout = timeout;
    this.exitCode = exitCode;
    this.timedOut = timedOut;
    this.stdout = stdout.clone();
    this.stdoutTruncated = stdoutTruncated;
    this.stderr = stderr.strip();
  }

  /** A tool that ran to its end with {@code exitCode} (fakes in tests build these too). */
  public static CommandResult exited(List<String> argv, int exitCode, byte[] stdout, boolean stdoutTruncated,
      String stderr) {
    return new CommandResult(argv, Duration.ZERO, exitCode, false, stdout, stdoutTruncated, stderr);
  }

  /** A tool killed for outliving {@code timeout}. */
  public static CommandResult killed(List<String> argv, Duration timeout, byte[] stdout, String stderr) {
    return new CommandResult(argv, timeout, -1, true, stdout, false, stderr);
  }

  /** The argument list that was run. */
  public ImmutableList<String> argv() {
    return argv;
  }

  /** The exit status; -1 after a timeout. */
  public int exitCode() {
    return exitCode;
  }

  /** True when the tool was killed for outliving its time limit. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Standard output, at most the runner's bound. */
  public byte[] stdout() {
    return stdout.clone();
  }

  /** Standard output as UTF-8 text, stripped. */
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8).strip();
  }

  /** True when standard output was longer than the runner's bound. */
  public boolean stdoutTruncated() {
    return stdoutTruncated;
  }

  /** The first {@value CommandRunner#STDERR_KEPT} bytes of standard error, as text, stripped. */
  public String stderr() {
    return stderr;
  }

  /** The tool's name for messages: its first two arguments, e.g. {@code qemu-img create}. */
  public String tool() {
    return String.join(" ", argv.subList(0, Math.min(2, argv.size())));
  }

  /**
   * This result if the tool exited 0.
   *
   * @throws ImageTrustException {@code IO_ERROR} naming the tool, with its exit status and standard error (standard
   *     output when standard error is empty), or saying it was killed after its time limit
   */
  public CommandResult requireSuccess() throws ImageTrustException {
    if (timedOut) {
      throw ImageTrustException.of(Reason.IO_ERROR, tool() + " did not finish within " + timeout.toSeconds()
          + " s and was killed", ImmutableMap.of("tool", argv.get(0), "timeout_seconds", timeout.toSeconds()));
    }
    if (exitCode != 0) {
      String said = stderr.isEmpty() ? stdoutText() : stderr;
      throw ImageTrustException.of(Reason.IO_ERROR, tool() + " failed (exit " + exitCode + "): " + said,
          ImmutableMap.of("tool", argv.get(0), "exit_code", exitCode));
    }
    return this;
  }
}
