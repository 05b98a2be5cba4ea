package io.imgtrust.core.io;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs an external tool (qemu-img) through {@link ProcessBuilder} with an argument list: never a shell string, never a
 * secret in argv. Its combined output is kept (the first 4 KiB) for the error message; interrupting the caller kills
 * the tool.
 */
public final class ExternalTool {
  private static final int KEEP = 4096;

  private ExternalTool() {}

  /**
   * Runs {@code argv} to completion.
   *
   * @throws ImageTrustException {@code IO_ERROR} when the tool cannot start or exits non-zero (with its output)
   */
  public static void run(List<String> argv) throws ImageTrustException {
    output(argv);
  }

  /**
   * Runs {@code argv} to completion and returns the first 4 KiB of its combined output.
   *
   * @throws ImageTrustException {@code IO_ERROR} when the tool cannot start or exits non-zero (with its output)
   */
  public static String output(List<String> argv) throws ImageTrustException {
    String name = String.join(" ", argv.subList(0, Math.min(2, argv.size())));
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot run " + argv.get(0) + " (is it installed?): "
          + e.getMessage(), e);
    }
    try (InputStream out = p.getInputStream()) {
      String msg = new String(out.readNBytes(KEEP), StandardCharsets.UTF_8).strip();
      out.transferTo(OutputStream.nullOutputStream());
      int code = p.waitFor();
      if (code != 0) {
        throw ImageTrustException.of(Reason.IO_ERROR, name + " failed (exit " + code + "): " + msg);
      }
      return msg;
    } catch (IOException e) {
      p.destroyForcibly();
      throw ImageTrustException.wrap(Reason.IO_ERROR, name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "interrupted during " + name, e);
    }
  }
}
