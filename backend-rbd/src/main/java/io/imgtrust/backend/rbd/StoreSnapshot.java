package io.imgtrust.backend.rbd;

import com.ceph.rados.IoCTX;
import com.ceph.rbd.Rbd;
import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.ceph.rbd.jna.RbdSnapInfo;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.io.SourceFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A Glance image's snapshot in this backend's cluster, read once from its first byte to its last through librbd
 * (opened read-only at the snapshot, so what is read is immutable for as long as the snapshot exists). Its snapshot id
 * is known once it is opened. Not thread-safe; one open at a time.
 */
final class StoreSnapshot implements ImageSource {
  private static final int READ = 4 << 20;
  private final CephCluster cluster;
  private final RbdLocation location;
  private long snapId = -1;

  StoreSnapshot(CephCluster cluster, RbdLocation location) {
    this.cluster = cluster;
    this.location = location;
  }

  /** The id of the snapshot read ({@code -1} before {@link #open}). */
  long snapId() {
    return snapId;
  }

  @Override
  public ReadableByteChannel open() throws ImageTrustException {
    IoCTX io = cluster.ioContext(location.pool);
    RbdImage image;
    try {
      image = new Rbd(io).openReadOnly(location.image, location.snapshot);
    } catch (RbdException e) {
      cluster.release(io);
      throw CephErrors.of("cannot open Glance's snapshot " + location, e);
    }
    try {
      snapId = idOf(image);
      return new Channel(io, image, image.stat().size);
    } catch (RbdException | ImageTrustException e) {
      close(io, image);
      throw e instanceof ImageTrustException ? (ImageTrustException) e
          : CephErrors.of("cannot read " + location, (RbdException) e);
    }
  }

  private long idOf(RbdImage image) throws RbdException, ImageTrustException {
    for (RbdSnapInfo s : image.snapList()) {
      if (location.snapshot.equals(s.name)) {
        return s.id;
      }
    }
    throw CephErrors.of("Glance's snapshot " + location + " is gone", -CephErrors.ENOENT, null);
  }

  private void close(IoCTX io, RbdImage image) {
    try {
      image.close();
    } catch (RbdException e) {
      // read-only: nothing written is lost
    }
    cluster.release(io);
  }

  @Override
  public String describe() {
    return "rbd:" + location;
  }

  /** Sequential reads of the snapshot. */
  private final class Channel implements ReadableByteChannel {
    private final IoCTX io;
    private final RbdImage image;
    private final long size;
    private final byte[] buf = new byte[READ];
    private long offset;
    private boolean open = true;

    Channel(IoCTX io, RbdImage image, long size) {
      this.io = io;
      this.image = image;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (offset >= size) {
        return -1;
      }
      int want = (int) Math.min(Math.min(dst.remaining(), buf.length), size - offset);
      int n = image.read(offset, buf, want);
      if (n <= 0) {
        throw new SourceFailure(CephErrors.of("cannot read " + location + " at offset " + offset, n == 0 ? -5 : n, null));
      }
      dst.put(buf, 0, n);
      offset += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      if (open) {
        open = false;
        StoreSnapshot.this.close(io, image);
      }
    }
  }
}
