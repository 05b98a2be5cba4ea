package io.imgtrust.core.io;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of an external tool whose output is wanted: started through {@link ProcessBuilder} with an argument list,
 * killed when it outlives its time limit, with its standard output and standard error kept separately and bounded
 * (what lies beyond the bound is read and dropped, so the tool never blocks on a full pipe). Immutable.
 */
public final class CapturedRun {
  /** How much of standard error is kept for messages. */
  public static final int STDERR_KEPT = 4096;
  /** Seconds to wait for the output after the tool ended (a child that kept the pipes open). */
  private static final long READERS = 10;

  private final int exitCode;
  private final boolean timedOut;
  private final byte[] stdout;
  private final boolean stdoutTruncated;
  private final String stderr;

  private CapturedRun(int exitCode, boolean timedOut, Bounded out, Bounded err) {
    this.exitCode = exitCode;
    this.timedOut = timedOut;
    this.stdout = out.bytes;
    this.stdoutTruncated = out.truncated;
    this.stderr = new String(err.bytes, StandardCharsets.UTF_8).strip();
  }

  /**
   * Runs {@code argv} for at most {@code timeout}, keeping at most {@code maxStdout} bytes of its output.
   *
   * @throws ImageTrustException {@code IO_ERROR} when the tool cannot be started or the caller is interrupted (the
   *     tool is then killed); a non-zero exit or a timeout (the tool is killed) is reported in the result, not thrown
   */
  public static CapturedRun run(List<String> argv, Duration timeout, int maxStdout) throws ImageTrustException {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot run " + argv.get(0) + " (is it installed?): "
          + e.getMessage(), e);
    }
    CompletableFuture<Bounded> out = drain(p.getInputStream(), maxStdout);
    CompletableFuture<Bounded> err = drain(p.getErrorStream(), STDERR_KEPT);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        // Process.destroyForcibly would close the pipes under the readers ("Stream closed"): kill by handle.
        p.toHandle().destroyForcibly();
        p.waitFor();
        return new CapturedRun(-1, true, afterKill(out), afterKill(err));
      }
      return new CapturedRun(p.exitValue(), false, out.get(READERS, TimeUnit.SECONDS),
          err.get(READERS, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "interrupted while running " + argv.get(0), e);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read the output of " + argv.get(0) + ": " + e, e);
    }
  }

  /** What a killed tool wrote, or nothing when its output cannot be read (a child may still hold the pipes). */
  private static Bounded afterKill(CompletableFuture<Bounded> output) throws InterruptedException {
    try {
      return output.get(READERS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return new Bounded(new byte[0], false);
    }
  }

  /** The exit status; -1 after a timeout. */
  public int exitCode() {
    return exitCode;
  }

  /** True when the tool was killed for outliving its time limit. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Standard output, at most the bound given to {@link #run}. */
  public byte[] stdout() {
    return stdout.clone();
  }

  /** True when standard output was longer than the bound. */
  public boolean stdoutTruncated() {
    return stdoutTruncated;
  }

  /** The first {@value #STDERR_KEPT} bytes of standard error, as text, stripped. */
  public String stderr() {
    return stderr;
  }

  private static CompletableFuture<Bounded> drain(InputStream in, int keep) {
    CompletableFuture<Bounded> result = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (in) {
        byte[] kept = in.readNBytes(keep);
        boolean more = in.transferTo(OutputStream.nullOutputStream()) > 0;
        result.complete(new Bounded(kept, more));
      } catch (IOException e) {
        result.completeExceptionally(new UncheckedIOException(e));
      }
    }, "captured-run-reader");
    reader.setDaemon(true);
    reader.start();
    return result;
  }

  /** Bytes read from a stream, and whether it had more. */
  private static final class Bounded {
    final byte[] bytes;
    final boolean truncated;

    Bounded(byte[] bytes, boolean truncated) {
      this.bytes = bytes;
      this.truncated = truncated;
    }
  }
}
