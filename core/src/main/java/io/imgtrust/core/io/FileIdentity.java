package io.imgtrust.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Which file a path names, and whether it changed: device, inode, size, modification time and status-change time
 * (ctime), in nanoseconds. Immutable. Read without following symbolic links. Ownership and permissions are not part
 * of it.
 *
 * <p>The ctime is what makes the identity hard to forge: any write, chmod, chown, rename, link or attribute change
 * sets it to the current time, and only root can set it otherwise (by changing the system clock or writing the raw
 * device). The mtime can be set by anyone who can write the file ({@code touch -d}), so it is kept only to describe
 * what changed. An identity read from an old record has no ctime ({@link #UNKNOWN}) and never {@link #matches}.
 */
public final class FileIdentity {
  /** The ctime of an identity recorded before ctimes were recorded. */
  public static final long UNKNOWN = Long.MIN_VALUE;

  private final long device;
  private final long inode;
  private final long size;
  private final long mtimeNanos;
  private final long ctimeNanos;

  public FileIdentity(long device, long inode, long size, long mtimeNanos, long ctimeNanos) {
    this.device = device;
    this.inode = inode;
    this.size = size;
    this.mtimeNanos = mtimeNanos;
    this.ctimeNanos = ctimeNanos;
  }

  /** An identity without a ctime, as records written before ctimes were recorded hold it. */
  public FileIdentity(long device, long inode, long size, long mtimeNanos) {
    this(device, inode, size, mtimeNanos, UNKNOWN);
  }

  /**
   * The identity of the regular file at {@code path}.
   *
   * @throws IOException also when {@code path} is a symbolic link or not a regular file
   */
  public static FileIdentity of(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,ctime,mode",
        LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    if ((mode & 0170000) != 0100000) {
      throw new IOException(path + " is not a regular file" + ((mode & 0170000) == 0120000 ? " (symbolic link)" : ""));
    }
    return new FileIdentity((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
        ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
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

  /** The status-change time, or {@link #UNKNOWN}. */
  public long ctimeNanos() {
    return ctimeNanos;
  }

  /**
   * Whether {@code current} is this very file, unchanged since this identity was taken: same device, inode, size,
   * mtime and ctime, and this identity's ctime is known.
   */
  public boolean matches(FileIdentity current) {
    return ctimeNanos != UNKNOWN && equals(current);
  }

  /** What differs between this (recorded) identity and {@code current}, for a log line; empty if nothing. */
  public String changesTo(FileIdentity current) {
    List<String> d = new ArrayList<>();
    if (device != current.device || inode != current.inode) {
      d.add("another file (inode " + inode + " -> " + current.inode + ")");
    }
    if (size != current.size) {
      d.add("size " + size + " -> " + current.size);
    }
    if (mtimeNanos != current.mtimeNanos) {
      d.add("mtime changed");
    }
    if (ctimeNanos == UNKNOWN) {
      d.add("the record has no ctime (written by an older imgtrust)");
    } else if (ctimeNanos != current.ctimeNanos) {
      d.add("ctime changed (written, chmod/chown/chattr, renamed or touched)");
    }
    return String.join(", ", d);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FileIdentity)) {
      return false;
    }
    FileIdentity f = (FileIdentity) o;
    return device == f.device && inode == f.inode && size == f.size && mtimeNanos == f.mtimeNanos
        && ctimeNanos == f.ctimeNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(device, inode, size, mtimeNanos, ctimeNanos);
  }

  @Override
  public String toString() {
    return "dev " + device + " ino " + inode + " size " + size + " mtime " + mtimeNanos + "ns"
        + (ctimeNanos == UNKNOWN ? "" : " ctime " + ctimeNanos + "ns");
  }
}
