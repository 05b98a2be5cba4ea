package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.ceph.rbd.jna.RbdSnapInfo;
import com.google.common.collect.ImmutableMap;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the backend asks of one open RBD image beyond rados-java ({@link LibRbd}): its id, its snapshot
 * {@link VerifiedBases#SNAPSHOT}'s id and {@link BaseRef}, metadata, a clone's parent, opening by id at a snapshot
 * id; librbd's failures as {@code CEPH_ERROR}.
 */
final class RbdImages {
  private static final Logger log = LoggerFactory.getLogger(RbdImages.class);

  private RbdImages() {}

  /** The image's id. */
  static String id(RbdImage image) throws ImageTrustException {
    byte[] buf = new byte[64];
    int rc = LibRbd.INSTANCE.rbd_get_id(image.getPointer(), buf, buf.length);
    if (rc < 0) {
      throw CephErrors.of("cannot read the id of " + image.getName(), rc, null);
    }
    return cString(buf);
  }

  /** Unprotects and removes the base snapshot of {@code image}, if it has one. */
  static void dropSnapshot(RbdImage image) throws ImageTrustException, RbdException {
    if (snapshotId(image) >= 0) {
      if (image.snapIsProtected(VerifiedBases.SNAPSHOT)) {
        image.snapUnprotect(VerifiedBases.SNAPSHOT);
      }
      image.snapRemove(VerifiedBases.SNAPSHOT);
    }
  }

  /** The id of the image's snapshot {@link VerifiedBases#SNAPSHOT}, or -1 when it has none. */
  static long snapshotId(RbdImage image) throws ImageTrustException {
    try {
      for (RbdSnapInfo s : image.snapList()) {
        if (VerifiedBases.SNAPSHOT.equals(s.name)) {
          return s.id;
        }
      }
      return -1;
    } catch (RbdException e) {
      throw CephErrors.of("cannot list the snapshots of " + image.getName(), e);
    }
  }

  /** Where {@code image} (of {@code pool}) and its snapshot {@link VerifiedBases#SNAPSHOT} are. */
  static BaseRef ref(RbdPool pool, RbdImage image) throws ImageTrustException {
    return new BaseRef(pool.fsid(), pool.id(), id(image), snapshotId(image));
  }

  /** Where the parent of clone {@code image} is; {@code RECORD_INVALID} when it has none. */
  static BaseRef parent(RbdPool pool, RbdImage image) throws ImageTrustException {
    LibRbd.LinkedImageSpec spec = new LibRbd.LinkedImageSpec();
    LibRbd.SnapSpec snap = new LibRbd.SnapSpec();
    int rc = LibRbd.INSTANCE.rbd_get_parent(image.getPointer(), spec, snap);
    if (rc == -CephErrors.ENOENT) {
      throw ImageTrustException.of(Reason.RECORD_INVALID, pool.spec(image.getName()) + " has no parent");
    }
    if (rc < 0) {
      throw CephErrors.of("cannot read the parent of " + pool.spec(image.getName()), rc, null);
    }
    try {
      return new BaseRef(pool.fsid(), spec.poolId, spec.imageId.getString(0, StandardCharsets.UTF_8.name()),
          snap.id);
    } finally {
      LibRbd.INSTANCE.rbd_linked_image_spec_cleanup(spec);
      LibRbd.INSTANCE.rbd_snap_spec_cleanup(snap);
    }
  }

  /** Opens image {@code ref.imageId} of {@code pool} read-only at exactly snapshot {@code ref.snapId}. */
  static RbdImage openSnapshot(RbdPool pool, BaseRef ref) throws ImageTrustException {
    PointerByReference p = new PointerByReference();
    int rc = LibRbd.INSTANCE.rbd_open_by_id_read_only(pool.io().getPointer(), ref.imageId, p, null);
    if (rc < 0) {
      throw CephErrors.of("cannot open image id " + ref.imageId + " in pool " + pool.name(), rc, null);
    }
    // rados-java keeps the address of the handle, as librbd wrote it
    RbdImage image = new RbdImage(p.getPointer(), "id:" + ref.imageId + "@" + ref.snapId);
    rc = LibRbd.INSTANCE.rbd_snap_set_by_id(image.getPointer(), ref.snapId);
    if (rc < 0) {
      close(image);
      throw CephErrors.of("cannot open snapshot " + ref.snapId + " of image id " + ref.imageId, rc, null);
    }
    return image;
  }

  /** Grows the open {@code image} of {@code pool} to {@code size} bytes if it is smaller. */
  static void grow(RbdPool pool, RbdImage image, long size) throws ImageTrustException {
    try {
      if (image.stat().size < size) {
        image.resize(size);
      }
    } catch (RbdException e) {
      throw CephErrors.of("cannot resize " + pool.spec(image.getName()), e);
    }
  }

  /** Metadata {@code key} of the image; empty when it has none. */
  static String metadata(RbdImage image, String key) throws ImageTrustException {
    byte[] buf = new byte[4096]; // grown below when the value is larger
    while (true) {
      LongByReference len = new LongByReference(buf.length);
      int rc = LibRbd.INSTANCE.rbd_metadata_get(image.getPointer(), key, buf, len);
      if (rc == -CephErrors.ENOENT) {
        return "";
      }
      if (rc == -CephErrors.ERANGE && len.getValue() > buf.length) {
        buf = new byte[Math.toIntExact(len.getValue())];
        continue;
      }
      if (rc < 0) {
        throw CephErrors.of("cannot read metadata " + key + " of " + image.getName(), rc, null);
      }
      return cString(buf);
    }
  }

  static void setMetadata(RbdImage image, String key, String value) throws ImageTrustException {
    int rc = LibRbd.INSTANCE.rbd_metadata_set(image.getPointer(), key, value);
    if (rc < 0) {
      throw CephErrors.of("cannot write metadata " + key + " of " + image.getName(), rc, null);
    }
  }

  /** Removes metadata {@code key} of the image, if it has it. */
  static void removeMetadata(RbdImage image, String key) throws ImageTrustException {
    int rc = LibRbd.INSTANCE.rbd_metadata_remove(image.getPointer(), key);
    if (rc < 0 && rc != -CephErrors.ENOENT) {
      throw CephErrors.of("cannot remove metadata " + key + " of " + image.getName(), rc, null);
    }
  }

  /** Closes an image; a failure is logged (nothing written is lost: every write was flushed or is discarded). */
  static void close(RbdImage image) {
    try {
      image.close();
    } catch (RbdException e) {
      log.warn("closing {} failed: {}", image.getName(), CephErrors.name(CephErrors.errno(e)));
    }
  }

  /** A refusal: the snapshot at hand is not the one whose seal was checked. */
  static ImageTrustException notSealed(String what, BaseRef sealed, BaseRef found) {
    return ImageTrustException.of(Reason.RECORD_INVALID, what + " is " + found + ", not the sealed " + sealed,
        ImmutableMap.of("sealed", sealed.toString(), "found", found.toString()));
  }

  private static String cString(byte[] buf) {
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }
}
