package io.imgtrust.backend.lvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block device opened for writing: bytes at offsets, zeroed ranges, and a flush. Large aligned ranges are zeroed
 * with the {@code BLKZEROOUT} ioctl (the kernel zeroes them the fastest way the device allows, e.g. write-zeroes or
 * unmap where it reads back zeros, and falls back to writing zero pages itself); small or unaligned pieces are written
 * as zeros. Measured here on a loop device, 200 MiB: {@code BLKZEROOUT} 0.03-0.12 s, writing zeros 0.37-0.50 s.
 * Not thread-safe; one writer.
 */
final class BlockDevice implements AutoCloseable {
  /** {@code _IO(0x12, 127)} from {@code linux/fs.h}: zero a byte range {@code {offset, length}}. */
  private static final long BLKZEROOUT = 0x127f;
  /** Ranges below this are written as zeros: one ioctl per small run would cost more than the write. */
  static final long IOCTL_MIN = 1 << 20;
  private static final int ALIGN = 4096;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private final Path path;
  private final FileChannel ch;
  private int fd = -1;

  private BlockDevice(Path path, FileChannel ch) {
    this.path = path;
    this.ch = ch;
  }

  /**
   * Opens {@code device} (a link to a block device, as {@code lv_path} is) for writing.
   *
   * @throws IOException if it is missing or not a block device (never a regular file: the write would fill the
   *     file system instead of the volume)
   */
  static BlockDevice open(Path device) throws IOException {
    if (!Files.exists(device) || Files.isRegularFile(device) || Files.isDirectory(device)) {
      throw new IOException(device + " is not a block device");
    }
    return new BlockDevice(device, FileChannel.open(device, StandardOpenOption.WRITE));
  }

  /** Writes all remaining bytes of {@code data} at {@code offset}. */
  void write(ByteBuffer data, long offset) throws IOException {
    long pos = offset;
    while (data.hasRemaining()) {
      pos += ch.write(data, pos);
    }
  }

  /** Makes {@code length} bytes from {@code offset} read back as zeros. */
  void zero(long offset, long length) throws IOException {
    long end = offset + length;
    long from = Math.min(end, roundUp(offset));
    long to = Math.max(from, end / ALIGN * ALIGN);
    if (to - from < IOCTL_MIN) {
      writeZeros(offset, end);
      return;
    }
    writeZeros(offset, from);
    zeroOut(from, to - from);
    writeZeros(to, end);
  }

  /** Flushes written data to the device and the device's cache ({@code fdatasync}). */
  void flush() throws IOException {
    ch.force(false);
  }

  @Override
  public void close() throws IOException {
    try {
      if (fd >= 0) {
        C.INSTANCE.close(fd);
      }
    } finally {
      ch.close();
    }
  }

  private void writeZeros(long from, long to) throws IOException {
    for (long pos = from; pos < to; ) {
      ByteBuffer z = ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), to - pos));
      write(z, pos);
      pos += z.limit();
    }
  }

  private void zeroOut(long offset, long length) throws IOException {
    try {
      if (fd < 0) {
        fd = C.INSTANCE.open(path.toString(), C.O_WRONLY | C.O_CLOEXEC);
      }
      C.INSTANCE.ioctl(fd, new NativeLong(BLKZEROOUT), new long[] {offset, length});
    } catch (LastErrorException e) {
      throw new IOException("BLKZEROOUT on " + path + " (" + offset + ", " + length + "): errno "
          + e.getErrorCode(), e);
    }
  }

  private static long roundUp(long offset) {
    return (offset + ALIGN - 1) / ALIGN * ALIGN;
  }

  /** The libc calls the ioctl needs. */
  private interface C extends Library {
    int O_WRONLY = 1;
    int O_CLOEXEC = 0x80000;
    C INSTANCE = Native.load("c", C.class);

    int open(String path, int flags) throws LastErrorException;

    int ioctl(int fd, NativeLong request, long[] range) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }
}
