package io.imgtrust.core.digest;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where a file has data and where it has holes ({@code lseek SEEK_DATA / SEEK_HOLE}), read once when the file is
 * opened. A hole reads as zeros, so a range that is wholly a hole is known to be zeros without reading it. Opening
 * goes through one descriptor ({@code open} with {@code O_NOFOLLOW} unless links are followed), and the channel is
 * opened on that very inode ({@code /proc/self/fd/N}), so the map and the bytes read belong to the same file. Where the
 * file system cannot tell (no {@code SEEK_DATA}), where the file is not a regular file, or past the first
 * {@value #MAX_EXTENTS} extents, everything counts as data and is read. Immutable.
 */
final class Holes {
  /** A map that says nothing is a hole. */
  static final Holes NONE = new Holes(0, new long[0], new long[0]);

  static final int MAX_EXTENTS = 1 << 16;

  /**
   * Files smaller than this are read without a map: loading the native bridge (JNA) costs about 0.1 s, more than
   * reading and hashing such a file.
   */
  static final long MIN_SIZE = 64L << 20;

  private static final int O_RDONLY_NONBLOCK_CLOEXEC = 0x800 | 0x80000;
  private static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0x8000 : 0x20000;
  private static final int SEEK_END = 2;
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;
  private static final int ENXIO = 6;

  /** The size when mapped: nothing past it counts as a hole. */
  private final long size;
  /** Sorted, disjoint data extents {@code [starts[i], ends[i])}. */
  private final long[] starts;
  private final long[] ends;

  private Holes(long size, long[] starts, long[] ends) {
    this.size = size;
    this.starts = starts;
    this.ends = ends;
  }

  /** Loads the native bridge (see {@link ImageDigester#preload()}). */
  static void preload() {
    try {
      C.INSTANCE.getpid();
    } catch (LinkageError e) {
      // met again, and handled, when a file is opened
    }
  }

  /** A file opened for reading with its map. */
  static final class Opened implements AutoCloseable {
    final FileChannel channel;
    final Holes holes;

    Opened(FileChannel channel, Holes holes) {
      this.channel = channel;
      this.holes = holes;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Opens {@code file} read-only (a final symbolic link is refused unless {@code follow}) with its hole map, or with
   * {@link #NONE} when it is smaller than {@link #MIN_SIZE}.
   */
  static Opened open(Path file, boolean follow) throws IOException {
    return open(file, follow, MIN_SIZE);
  }

  /** Like {@link #open(Path, boolean)}, mapping files of at least {@code minSize} bytes. */
  static Opened open(Path file, boolean follow, long minSize) throws IOException {
    Opened plain = plain(file, follow);
    if (plain.channel.size() < minSize) {
      return plain;
    }
    plain.close();
    int fd;
    try {
      fd = C.INSTANCE.open(file.toString(), O_RDONLY_NONBLOCK_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    } catch (LastErrorException | LinkageError e) {
      return plain(file, follow); // the JDK's open reports the error in its own words
    }
    try {
      Holes map = map(fd);
      if (map == null) {
        return plain(file, follow);
      }
      return new Opened(FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ), map);
    } finally {
      C.INSTANCE.close(fd);
    }
  }

  private static Opened plain(Path file, boolean follow) throws IOException {
    FileChannel ch = follow ? FileChannel.open(file, StandardOpenOption.READ)
        : FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    return new Opened(ch, NONE);
  }

  /** The extents of open descriptor {@code fd}, or null when it cannot seek for data (not a regular file). */
  private static Holes map(int fd) {
    long size = 0;
    long[] starts = new long[16];
    long[] ends = new long[16];
    int n = 0;
    try {
      size = C.INSTANCE.lseek(fd, 0, SEEK_END);
      long pos = 0;
      while (pos < size) {
        long data = C.INSTANCE.lseek(fd, pos, SEEK_DATA);
        if (n == MAX_EXTENTS - 1) {
          starts[n] = data;
          ends[n++] = Long.MAX_VALUE;
          break;
        }
        long hole = C.INSTANCE.lseek(fd, data, SEEK_HOLE);
        if (n == starts.length) {
          starts = Arrays.copyOf(starts, n * 2);
          ends = Arrays.copyOf(ends, n * 2);
        }
        starts[n] = data;
        ends[n++] = hole;
        pos = hole;
      }
    } catch (LastErrorException e) {
      if (e.getErrorCode() != ENXIO) { // ENXIO: no data after pos
        return null;
      }
    }
    return new Holes(size, Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
  }

  /** Whether {@code [from, to)} holds no data at all (as the file was when opened). */
  boolean hole(long from, long to) {
    if (to > size || from >= to) {
      return false;
    }
    int i = Arrays.binarySearch(ends, from);
    int next = i >= 0 ? i + 1 : -i - 1; // the first extent ending after from
    return next >= starts.length || starts[next] >= to;
  }

  /** glibc. */
  private interface C extends Library {
    C INSTANCE = Native.load("c", C.class);

    int open(String path, int flags) throws LastErrorException;

    long lseek(int fd, long offset, int whence) throws LastErrorException;

    int close(int fd);

    int getpid();
  }
}
