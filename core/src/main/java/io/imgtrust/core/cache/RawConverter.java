package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Converts an image to raw with {@code qemu-img convert -f FMT -O raw} (format given, never probed), through an
 * argument list. Runs only on images the format inspector accepted.
 */
final class RawConverter {
  private final String qemuImg;

  RawConverter(String qemuImg) {
    this.qemuImg = qemuImg;
  }

  void convert(Path source, String qemuFormat, Path target) throws ImageTrustException {
    List<String> argv = List.of(qemuImg, "convert", "-q", "-f", qemuFormat, "-O", "raw", "-t", "none", "-T", "none",
        source.toString(), target.toString());
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot run " + qemuImg + " (install qemu-utils): "
          + e.getMessage(), e);
    }
    try (InputStream out = p.getInputStream()) {
      byte[] msg = out.readNBytes(4096);
      out.transferTo(java.io.OutputStream.nullOutputStream());
      int code = p.waitFor();
      if (code != 0) {
        throw ImageTrustException.of(Reason.IO_ERROR, "qemu-img convert -f " + qemuFormat + " failed (exit " + code
            + "): " + new String(msg, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "qemu-img convert: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "interrupted during qemu-img convert", e);
    }
  }
}
