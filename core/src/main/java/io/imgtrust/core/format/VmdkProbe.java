package io.imgtrust.core.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Whether qemu's format probe would take text as a VMDK descriptor file, exactly as {@code vmdk_probe} in qemu's
 * {@code block/vmdk.c} decides over the first {@value #QEMU_PROBE_BUFFER} bytes it probes: lines starting with
 * {@code #} are skipped, as are lines of spaces only (optionally ending in {@code \r}); the first other line must be
 * {@code version=1}, {@code 2} or {@code 3} ending in {@code \n} or {@code \r\n}. An empty line, or any other line,
 * ends the probe with no match. Such a file makes {@code qemu-img info} open every file its extent lines name (a
 * FIFO there blocks it; a device is read), so it must be refused before qemu sees it.
 */
final class VmdkProbe {
  /** qemu's {@code BLOCK_PROBE_BUF_SIZE}: how much of a file its format probes see. */
  static final int QEMU_PROBE_BUFFER = 2048;

  private VmdkProbe() {}

  /** True when {@code first} (the file's first bytes; at most {@value #QEMU_PROBE_BUFFER} are looked at) matches. */
  static boolean isDescriptor(ByteBuffer first) {
    int end = Math.min(first.limit(), QEMU_PROBE_BUFFER);
    int p = 0;
    while (p < end) {
      byte c = first.get(p);
      if (c == '#') {
        p = lineEnd(first, p, end) + 1;
      } else if (c == ' ') {
        while (p < end && first.get(p) == ' ') {
          p++;
        }
        if (p < end && first.get(p) == '\r') {
          p++;
        }
        if (p == end || first.get(p) != '\n') {
          return false;
        }
        p++;
      } else {
        return versionLine(first, p, end);
      }
    }
    return false;
  }

  private static int lineEnd(ByteBuffer b, int p, int end) {
    while (p < end && b.get(p) != '\n') {
      p++;
    }
    return p;
  }

  private static boolean versionLine(ByteBuffer b, int p, int end) {
    for (String v : new String[] {"1", "2", "3"}) {
      if (startsWith(b, p, end, "version=" + v + "\n") || startsWith(b, p, end, "version=" + v + "\r\n")) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(ByteBuffer b, int p, int end, String s) {
    byte[] want = s.getBytes(StandardCharsets.US_ASCII);
    if (end - p < want.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (b.get(p + i) != want[i]) {
        return false;
      }
    }
    return true;
  }
}
