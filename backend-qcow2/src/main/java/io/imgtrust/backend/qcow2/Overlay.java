package io.imgtrust.backend.qcow2;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Creates a qcow2 overlay on a cache base with {@code qemu-img create}: the backing format is pinned ({@code -F}),
 * the size given, and {@code -u} keeps qemu-img from opening the base at all (the base is never opened for writing,
 * and is not even read here).
 */
final class Overlay {
  private Overlay() {}

  static void create(Path overlay, Path base, String baseFormat, long size) throws ImageTrustException {
    List<String> argv = List.of("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", base.toString(), "-F",
        baseFormat, overlay.toString(), Long.toString(size));
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot run qemu-img (install qemu-utils): " + e.getMessage(),
          e);
    }
    try (InputStream out = p.getInputStream()) {
      String msg = new String(out.readNBytes(4096), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw ImageTrustException.of(Reason.IO_ERROR, "qemu-img create of " + overlay + " failed: " + msg);
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "qemu-img create: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.IO_ERROR, "interrupted during qemu-img create", e);
    }
  }
}
