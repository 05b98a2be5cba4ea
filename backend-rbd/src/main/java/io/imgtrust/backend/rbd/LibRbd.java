package io.imgtrust.backend.rbd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few librbd calls rados-java lacks (librbd.h): asynchronous writes, flush, image metadata, image ids, opening by
 * id, reading at a snapshot id, and a clone's parent. {@code size_t} and {@code ssize_t} are {@code long} (LP64 Linux
 * only). Images are rados-java's {@code RbdImage.getPointer()}.
 */
interface LibRbd extends Library {
  LibRbd INSTANCE = Native.load("rbd", LibRbd.class);

  int rbd_aio_create_completion(Pointer cbArg, Pointer completeCb, PointerByReference completion);

  int rbd_aio_write(Pointer image, long off, long len, Pointer buf, Pointer completion);

  int rbd_aio_wait_for_complete(Pointer completion);

  long rbd_aio_get_return_value(Pointer completion);

  void rbd_aio_release(Pointer completion);

  int rbd_flush(Pointer image);

  int rbd_metadata_set(Pointer image, String key, String value);

  /** {@code -ENOENT} when the image has no such key. */
  int rbd_metadata_remove(Pointer image, String key);

  /** {@code -ERANGE} when {@code value} is too small; {@code valueLen} then holds the size needed. */
  int rbd_metadata_get(Pointer image, String key, byte[] value, LongByReference valueLen);

  /** The image's id (unique in its pool, never reused, kept across renames); {@code -ERANGE} if too small. */
  int rbd_get_id(Pointer image, byte[] id, long idLen);

  int rbd_open_by_id_read_only(Pointer io, String id, PointerByReference image, String snapName);

  /** Points an open image at snapshot {@code snapId} (exactly that one: snapshot ids are never reused). */
  int rbd_snap_set_by_id(Pointer image, long snapId);

  /** The parent of a clone; {@code -ENOENT} when it has none. Both structures are cleaned up after. */
  int rbd_get_parent(Pointer image, LinkedImageSpec parentImage, SnapSpec parentSnap);

  void rbd_linked_image_spec_cleanup(LinkedImageSpec image);

  void rbd_snap_spec_cleanup(SnapSpec snap);

  /** {@code rbd_linked_image_spec_t}; strings stay librbd's until the cleanup (so pointers, not JNA strings). */
  @Structure.FieldOrder({"poolId", "poolName", "poolNamespace", "imageId", "imageName", "trash"})
  final class LinkedImageSpec extends Structure {
    public long poolId;
    public Pointer poolName;
    public Pointer poolNamespace;
    public Pointer imageId;
    public Pointer imageName;
    public byte trash;
  }

  /** {@code rbd_snap_spec_t}. */
  @Structure.FieldOrder({"id", "namespaceType", "name"})
  final class SnapSpec extends Structure {
    public long id;
    public int namespaceType;
    public Pointer name;
  }
}
