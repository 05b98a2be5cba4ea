package io.imgtrust.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Which file a path names, and whether it changed: device, inode, size and modification time (nanoseconds).
 * Immutable. Read without following symbolic links. Ownership and permissions are not part of it (libvirt's dynamic
 * ownership changes them).
 */
public final class FileIdentity {
  private final long device;
  private final long inode;
  private final long size;
  private final long mtimeNanos;

  public FileIdentity(long device, long inode, long size, long mtimeNanos) {
    this.device = device;
    this.inode = inode;
    this.size = size;
    this.mtimeNanos = mtimeNanos;
  }

  /**
   * The identity of the regular file at {@code path}.
   *
   * @throws IOException also when {@code path} is a symbolic link or not a regular file
   */
  public static FileIdentity of(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,mode",
        LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    if ((mode & 0170000) != 0100000) {
      throw new IOException(path + " is not a regular file" + ((mode & 0170000) == 0120000 ? " (symbolic link)" : ""));
    }
    return new FileIdentity((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS));
  }

  public long device() {
    return device;
  }

  public long inode() {
    return inode;
  }

  public long size() {
    return size;
  }

  public long mtimeNanos() {
    return mtimeNanos;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FileIdentity)) {
      return false;
    }
    FileIdentity f = (FileIdentity) o;
    return device == f.device && inode == f.inode && size == f.size && mtimeNanos == f.mtimeNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(device, inode, size, mtimeNanos);
  }

  @Override
  public String toString() {
    return "dev " + device + " ino " + inode + " size " + size + " mtime " + mtimeNanos + "ns";
  }
}
