package io.imgtrust.backend.rbd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The librados call rados-java lacks (librados.h). I/O contexts are rados-java's {@code IoCTX.getPointer()}. */
interface LibRados extends Library {
  LibRados INSTANCE = Native.load("rados", LibRados.class);

  /**
   * Writes to a full pool (over its quota, or the cluster full) fail at once ({@code EDQUOT}, {@code ENOSPC})
   * instead of waiting until there is room again; deletes still work.
   */
  void rados_set_pool_full_try(Pointer io);
}
