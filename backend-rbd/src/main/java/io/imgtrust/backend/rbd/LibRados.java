package io.imgtrust.backend.rbd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** The librados call rados-java lacks (librados.h). I/O contexts are rados-java's {@code IoCTX.getPointer()}. */
interface LibRados extends Library {
  LibRados INSTANCE = Native.load("rados", LibRados.class);

  /**
   * Writes to a full pool (over its quota, or the cluster full) fail at once ({@code EDQUOT}, {@code ENOSPC})
   * instead of waiting until there is room again; deletes still work.
   */
  void rados_set_pool_full_try(Pointer io);

  /** {@code struct timeval}. */
  @Structure.FieldOrder({"tvSec", "tvUsec"})
  final class TimeVal extends Structure {
    public long tvSec;
    public long tvUsec;

    public TimeVal(long seconds) {
      this.tvSec = seconds;
    }
  }

  /**
   * Takes the exclusive advisory lock {@code name} on object {@code oid} for {@code duration} (it expires then, so a
   * killed holder cannot block others for longer); {@code -EBUSY} while another cookie holds it.
   */
  int rados_lock_exclusive(Pointer io, String oid, String name, String cookie, String desc, TimeVal duration,
      byte flags);

  int rados_unlock(Pointer io, String oid, String name, String cookie);
}
