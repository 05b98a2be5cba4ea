package io.imgtrust.backend.ploop;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A test-only reader of Parallels images, written from qemu's docs/interop/parallels.txt and independent of the
 * writer: it parses the header and follows the BAT to give the guest's view of the disk.
 */
final class ParallelsTestReader {
  final String magic;
  final int version;
  final int heads;
  final int cylinders;
  final int tracks;
  final int batEntries;
  final long sectors;
  final int inUse;
  final int dataOff;
  final int flags;
  final long extOff;
  final int[] bat;
  private final RandomAccessFile file;

  private ParallelsTestReader(RandomAccessFile file) throws IOException {
    this.file = file;
    ByteBuffer h = ByteBuffer.wrap(readAt(0, 64)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] m = new byte[16];
    h.get(m);
    magic = new String(m, StandardCharsets.US_ASCII);
    version = h.getInt(16);
    heads = h.getInt(20);
    cylinders = h.getInt(24);
    tracks = h.getInt(28);
    batEntries = h.getInt(32);
    sectors = h.getLong(36);
    inUse = h.getInt(44);
    dataOff = h.getInt(48);
    flags = h.getInt(52);
    extOff = h.getLong(56);
    ByteBuffer b = ByteBuffer.wrap(readAt(64, batEntries * 4)).order(ByteOrder.LITTLE_ENDIAN);
    bat = new int[batEntries];
    for (int i = 0; i < batEntries; i++) {
      bat[i] = b.getInt();
    }
  }

  static ParallelsTestReader open(Path p) throws IOException {
    return new ParallelsTestReader(new RandomAccessFile(p.toFile(), "r"));
  }

  /** The first {@code length} bytes of the virtual disk. */
  static byte[] read(Path p, int length) throws IOException {
    ParallelsTestReader r = open(p);
    try {
      return r.guestBytes(0, length);
    } finally {
      r.file.close();
    }
  }

  /** {@code length} guest bytes from {@code offset}: BAT entry 0 reads zeros, else entry * cluster bytes in file. */
  byte[] guestBytes(long offset, int length) throws IOException {
    long cluster = (long) tracks * 512;
    byte[] out = new byte[length];
    for (int done = 0; done < length;) {
      long pos = offset + done;
      int idx = (int) (pos / cluster);
      int within = (int) (pos % cluster);
      int n = (int) Math.min(length - done, cluster - within);
      if (bat[idx] != 0) {
        System.arraycopy(readAt(bat[idx] * cluster + within, n), 0, out, done, n);
      }
      done += n;
    }
    return out;
  }

  long fileLength() throws IOException {
    return file.length();
  }

  void close() throws IOException {
    file.close();
  }

  private byte[] readAt(long pos, int n) throws IOException {
    byte[] b = new byte[n];
    file.seek(pos);
    file.readFully(b);
    return b;
  }
}
