package io.imgtrust.backend.ploop;

import static io.imgtrust.backend.ploop.ParallelsGeometry.CLUSTER;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Writes a new Parallels/ploop v2 image ({@code WithouFreSpacExt}, 1 MiB clusters) from a stream of writes in
 * ascending offset order, as {@link io.imgtrust.core.digest.VerifiedCopy} makes them: each cluster that receives data
 * is allocated at the end of the file, in write order; clusters never written stay out of the BAT (entry 0) and read
 * as zeros. {@link #finish} writes the header and the BAT, sets the file length and fsyncs; until then the file has
 * no header and is no valid image.
 *
 * <p>The header is what qemu 7.2 writes for the same size: version 2, 16 heads, {@code cylinders = sectors / 512},
 * 2048 sectors per cluster, {@code in_use} 0 (closed), {@code data_off} on a cluster boundary, no flags, no extension.
 * BAT entries count clusters from the start of the file. Memory use grows with allocated clusters only (4 bytes each).
 *
 * <p>Not thread-safe: one writer thread, as {@link io.imgtrust.core.digest.ImageSink} promises.
 */
final class ParallelsWriter implements RootImage {
  static final String MAGIC = "WithouFreSpacExt";
  static final int VERSION = 2;
  /** Entries per buffer when the BAT is written; all-zero stretches stay holes. */
  private static final int BAT_WINDOW = 256 * 1024;

  private final RandomAccessFile file;
  private final FileChannel ch;
  private final ParallelsGeometry g;
  /** Virtual cluster index of each allocated data cluster, in file order (ascending). */
  private int[] allocated = new int[64];
  private int count;

  private ParallelsWriter(RandomAccessFile file, ParallelsGeometry g) {
    this.file = file;
    this.ch = file.getChannel();
    this.g = g;
  }

  /** Creates {@code path}, which must not exist, with mode {@code rw-------}. */
  static ParallelsWriter create(Path path, ParallelsGeometry g) throws IOException {
    Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return new ParallelsWriter(new RandomAccessFile(path.toFile(), "rw"), g);
  }

  /** One cluster: an all-zero cluster is left unallocated. */
  @Override
  public int zeroBlockSize() {
    return CLUSTER;
  }

  @Override
  public void write(ByteBuffer data, long offset) throws IOException {
    if (offset < 0 || offset + data.remaining() > g.virtualBytes()) {
      throw new IOException("write of " + data.remaining() + " bytes at " + offset + " is outside the disk ("
          + g.virtualBytes() + " bytes)");
    }
    long pos = offset;
    while (data.hasRemaining()) {
      int within = (int) (pos % CLUSTER);
      int n = Math.min(data.remaining(), CLUSTER - within);
      long at = fileCluster(pos / CLUSTER) * CLUSTER + within;
      writeFully(data.slice(data.position(), n), at);
      data.position(data.position() + n);
      pos += n;
    }
  }

  /** The file cluster holding virtual cluster {@code v}, allocating it if it is new. */
  private long fileCluster(long v) throws IOException {
    int last = count == 0 ? -1 : allocated[count - 1];
    if (v < last) {
      throw new IOException("write to cluster " + v + " after cluster " + last + ": writes must ascend");
    }
    if (v > last) {
      if (count == allocated.length) {
        allocated = Arrays.copyOf(allocated, count * 2);
      }
      allocated[count++] = (int) v;
    }
    return g.dataOffClusters() + count - 1;
  }

  @Override
  public void finish() throws IOException {
    writeFully(header(), 0);
    writeBat();
    file.setLength((g.dataOffClusters() + count) * CLUSTER);
    ch.force(true);
  }

  private ByteBuffer header() {
    ByteBuffer h = ByteBuffer.allocate(ParallelsGeometry.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    h.put(MAGIC.getBytes(StandardCharsets.US_ASCII));
    h.putInt(VERSION);
    h.putInt(g.heads());
    h.putInt((int) g.cylinders());
    h.putInt(ParallelsGeometry.CLUSTER_SECTORS);
    h.putInt(g.batEntries());
    h.putLong(g.sectors());
    h.putInt(0); // in_use: closed
    h.putInt((int) g.dataOffSectors());
    h.putInt(0); // flags
    h.putLong(0); // ext_off: no format extension
    return h.flip();
  }

  /** Writes the BAT window by window; windows without allocated clusters stay holes (zeros). */
  private void writeBat() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(BAT_WINDOW * 4).order(ByteOrder.LITTLE_ENDIAN);
    int next = 0;
    for (long start = 0; start < g.batEntries(); start += BAT_WINDOW) {
      int len = (int) Math.min(BAT_WINDOW, g.batEntries() - start);
      Arrays.fill(buf.array(), 0, len * 4, (byte) 0);
      buf.clear().limit(len * 4);
      boolean any = false;
      while (next < count && allocated[next] < start + len) {
        buf.putInt((int) (allocated[next] - start) * 4, (int) (g.dataOffClusters() + next));
        next++;
        any = true;
      }
      if (any) {
        writeFully(buf, ParallelsGeometry.HEADER_BYTES + start * 4);
      }
    }
  }

  private void writeFully(ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
