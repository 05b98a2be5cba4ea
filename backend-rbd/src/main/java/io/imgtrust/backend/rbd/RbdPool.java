package io.imgtrust.backend.rbd;

import com.ceph.rados.IoCTX;
import com.ceph.rbd.Rbd;
import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RBD images of one pool, with librbd's failures as {@code CEPH_ERROR} naming the errno. Thread-safe (librbd
 * is; the pool's I/O context is never reconfigured).
 */
final class RbdPool {
  private static final Logger log = LoggerFactory.getLogger(RbdPool.class);
  /** layering, exclusive-lock, object-map, fast-diff, deep-flatten: Ceph's default for format 2 images. */
  static final long FEATURES = 1 | 4 | 8 | 16 | 32;
  /** 4 MiB objects. */
  static final int ORDER = 22;

  private final IoCTX io;
  private final Rbd rbd;
  private final String name;
  private final String fsid;

  RbdPool(IoCTX io, String name, String fsid) {
    this.io = io;
    this.rbd = new Rbd(io);
    this.name = name;
    this.fsid = fsid;
  }

  /** The pool's I/O context, for the librados calls rados-java lacks ({@link LibRados}). */
  IoCTX io() {
    return io;
  }

  /** librbd's own handle, for snapshots and clones. */
  Rbd rbd() {
    return rbd;
  }

  /** The pool's name. */
  String name() {
    return name;
  }

  /** The pool's id in its cluster. */
  long id() {
    return io.getId();
  }

  /** The fsid of the pool's cluster. */
  String fsid() {
    return fsid;
  }

  /** {@code pool/image}. */
  String spec(String image) {
    return name + "/" + image;
  }

  ImmutableList<String> list() throws ImageTrustException {
    try {
      return ImmutableList.copyOf(Arrays.asList(rbd.list()));
    } catch (RbdException e) {
      throw CephErrors.of("cannot list pool " + name, e);
    }
  }

  boolean exists(String image) throws ImageTrustException {
    return list().contains(image);
  }

  void create(String image, long size) throws ImageTrustException {
    try {
      rbd.create(image, size, FEATURES, ORDER);
    } catch (RbdException e) {
      throw CephErrors.of("cannot create " + spec(image), e);
    }
  }

  /** Clones {@code parent@snapshot} (protected) as {@code child} in this pool, with the default features. */
  void cloneOf(String parent, String snapshot, String child) throws ImageTrustException {
    try {
      rbd.clone(parent, snapshot, io, child, FEATURES, ORDER);
    } catch (RbdException e) {
      throw CephErrors.of("cannot clone " + spec(parent) + "@" + snapshot + " as " + child, e);
    }
  }

  RbdImage open(String image) throws ImageTrustException {
    try {
      return rbd.open(image);
    } catch (RbdException e) {
      throw CephErrors.of("cannot open " + spec(image), e);
    }
  }

  /** {@code image} opened, or empty when the pool has no image of that name (one round trip, no listing). */
  java.util.Optional<RbdImage> openIfPresent(String image) throws ImageTrustException {
    try {
      return java.util.Optional.of(rbd.open(image));
    } catch (RbdException e) {
      if (CephErrors.errno(e) == CephErrors.ENOENT) {
        return java.util.Optional.empty();
      }
      throw CephErrors.of("cannot open " + spec(image), e);
    }
  }

  /**
   * Renames {@code from} to {@code to}; librbd never replaces an image.
   *
   * @return false when {@code to} exists ({@code from} is left)
   */
  boolean rename(String from, String to) throws ImageTrustException {
    try {
      rbd.rename(from, to);
      return true;
    } catch (RbdException e) {
      if (CephErrors.errno(e) == CephErrors.EEXIST) {
        return false;
      }
      throw CephErrors.of("cannot rename " + spec(from) + " to " + to, e);
    }
  }

  /**
   * Removes {@code image}.
   *
   * @return false when it does not exist
   * @throws ImageTrustException {@code CEPH_ERROR}, {@code EBUSY} while a client has it open (a running domain,
   *     a live import)
   */
  boolean remove(String image) throws ImageTrustException {
    try {
      rbd.remove(image);
      return true;
    } catch (RbdException e) {
      if (CephErrors.errno(e) == CephErrors.ENOENT) {
        return false;
      }
      throw CephErrors.of("cannot remove " + spec(image), e);
    }
  }

  /** Removes {@code image} after a failure; a failure to do so is logged, never thrown over the first one. */
  void removeQuietly(String image) {
    try {
      remove(image);
    } catch (ImageTrustException e) {
      log.warn("could not remove the temporary {}: {}; a later prepare of that disk removes it", spec(image),
          e.getMessage());
    }
  }
}
