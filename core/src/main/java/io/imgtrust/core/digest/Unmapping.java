package io.imgtrust.core.digest;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a mapped buffer at once ({@code sun.misc.Unsafe.invokeCleaner}, of module jdk.unsupported) instead of when
 * the garbage collector gets to it: mapped file pages count in the process's resident set, so a recheck that maps a
 * 4 GiB base chunk by chunk would otherwise reach 4 GiB RSS. Where that method is missing, buffers are left to the
 * collector. The caller must not touch the buffer afterwards.
 */
final class Unmapping {
  private static final Object UNSAFE;
  private static final Method CLEANER;

  static {
    Object unsafe = null;
    Method cleaner = null;
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      unsafe = f.get(null);
      cleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      unsafe = null;
      cleaner = null;
    }
    UNSAFE = unsafe;
    CLEANER = cleaner;
  }

  private Unmapping() {}

  /** Unmaps {@code m} (a buffer returned by {@code FileChannel.map}, with no other views in use). */
  static void unmap(MappedByteBuffer m) {
    if (CLEANER == null) {
      return;
    }
    try {
      CLEANER.invoke(UNSAFE, m);
    } catch (ReflectiveOperationException e) {
      // left to the collector
    }
  }
}
