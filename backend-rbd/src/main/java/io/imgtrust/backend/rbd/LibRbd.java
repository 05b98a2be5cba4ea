package io.imgtrust.backend.rbd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few librbd calls rados-java lacks (librbd.h): asynchronous writes, flush and image metadata. {@code size_t}
 * and {@code ssize_t} are {@code long} (LP64 Linux only). Images are rados-java's {@code RbdImage.getPointer()}.
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

  int rbd_metadata_get(Pointer image, String key, byte[] value, LongByReference valueLen);
}
