package io.imgtrust.core.cache;

import io.imgtrust.core.io.StrictModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Who holds a cache file: its owner and mode. A cache file is in our custody when it is owned by the user imgtrust
 * runs as and its mode is exactly 0444. Anything else (libvirt's dynamic ownership gave it to the QEMU user, someone
 * made it writable) means whoever holds it could have changed its bytes, and may still hold it open for writing: the
 * file is never taken back as it is, but replaced by a verified copy ({@link Recopy}). Immutable.
 */
final class Custody {
  private static final int READ_ONLY = 0444;

  private final int uid;
  private final int gid;
  private final int mode;

  private Custody(int uid, int gid, int mode) {
    this.uid = uid;
    this.gid = gid;
    this.mode = mode;
  }

  /** The owner and mode of {@code file} (not following links). */
  static Custody of(Path file) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
    return new Custody((Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode") & 07777);
  }

  /** Whether the file is owned by this process's user and has mode 0444. */
  boolean isOurs() {
    return uid == StrictModes.currentUid() && mode == READ_ONLY;
  }

  /** For a log line: {@code owner 64055:64055 mode 0644}. */
  @Override
  public String toString() {
    return "owner " + uid + ":" + gid + " mode 0" + Integer.toOctalString(mode);
  }
}
