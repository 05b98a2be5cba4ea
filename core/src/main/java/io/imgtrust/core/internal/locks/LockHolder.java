package io.imgtrust.core.internal.locks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who holds a lock on a file, as the kernel tells it in {@code /proc/locks} (POSIX, FLOCK and OFD locks; lines of
 * waiters, marked {@code ->}, are ignored). Diagnostics only: the answer may be stale by the time it is read.
 */
final class LockHolder {
  private static final Path PROC_LOCKS = Path.of("/proc/locks");

  private LockHolder() {}

  /** E.g. {@code "pid 4711 (python3)"}, or a sentence saying the kernel did not tell. */
  static String describe(Path file) {
    OptionalLong pid = pidOf(file);
    if (pid.isEmpty()) {
      return "another process (the kernel does not say which)";
    }
    return "pid " + pid.getAsLong() + command(pid.getAsLong()).map(c -> " (" + c + ")").orElse("");
  }

  /** The pid holding a lock on {@code file}; a line matching device and inode wins over one matching the inode. */
  static OptionalLong pidOf(Path file) {
    try {
      Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino");
      return pidIn(Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII), (Long) a.get("dev"),
          (Long) a.get("ino"));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The holder's pid among {@code /proc/locks} lines for the file with {@code st_dev} {@code dev} and {@code ino}. */
  static OptionalLong pidIn(List<String> lines, long dev, long ino) {
    String exact = deviceOf(dev) + ":" + ino;
    OptionalLong inodeOnly = OptionalLong.empty();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 6 || f[1].equals("->")) {
        continue;
      }
      long pid = Long.parseLong(f[4]);
      if (pid <= 0) {
        continue; // OFD locks have no owning process
      }
      if (f[5].equals(exact)) {
        return OptionalLong.of(pid);
      } else if (f[5].endsWith(":" + ino) && inodeOnly.isEmpty()) {
        inodeOnly = OptionalLong.of(pid); // e.g. overlayfs: the lock sits on the underlying inode's device
      }
    }
    return inodeOnly;
  }

  /** {@code st_dev} as /proc/locks prints it: {@code major:minor} in two-digit hex (glibc's encoding of dev_t). */
  static String deviceOf(long dev) {
    long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    return String.format("%02x:%02x", major, minor);
  }

  private static Optional<String> command(long pid) {
    try {
      return Optional.of(Files.readString(Path.of("/proc/" + pid + "/comm"), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
