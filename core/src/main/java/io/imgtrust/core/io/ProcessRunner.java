package io.imgtrust.core.io;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link CommandRunner} over {@link ProcessBuilder}: real processes, stdin from a file ({@code /dev/null}). */
final class ProcessRunner implements CommandRunner {
  static final ProcessRunner INSTANCE = new ProcessRunner(new File("/dev/null"));
  /** Seconds to wait for the output after the tool ended (a child that kept the pipes open). */
  private static final long READERS = 10;

  private final File stdin;

  ProcessRunner(File stdin) {
    this.stdin = stdin;
  }

  @Override
  public CommandResult run(List<String> argv, Duration timeout) throws ImageTrustException {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(stdin)).start();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot run " + argv.get(0) + " (is it installed?): "
          + e.getMessage(), e);
    }
    CompletableFuture<Bounded> out = drain(p.getInputStream(), STDOUT_KEPT);
    CompletableFuture<Bounded> err = drain(p.getErrorStream(), STDERR_KEPT);
    try {
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly().waitFor();
      }
      Bounded o = out.get(READERS, TimeUnit.SECONDS);
      String e = new String(err.get(READERS, TimeUnit.SECONDS).bytes, StandardCharsets.UTF_8);
      return finished ? CommandResult.exited(argv, p.exitValue(), o.bytes, o.truncated, e)
          : CommandResult.killed(argv, timeout, o.bytes, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "interrupted while running " + argv.get(0), e);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read the output of " + argv.get(0) + ": " + e, e);
    }
  }

  private static CompletableFuture<Bounded> drain(InputStream in, int keep) {
    CompletableFuture<Bounded> result = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      boolean more = false;
      try (in) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
          int room = keep - kept.size();
          kept.write(buf, 0, Math.min(n, room));
          more |= n > room;
        }
      } catch (IOException e) {
        // the stream was closed under us (the tool was killed): keep what was read
      }
      result.complete(new Bounded(kept.toByteArray(), more));
    }, "command-runner-reader");
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
