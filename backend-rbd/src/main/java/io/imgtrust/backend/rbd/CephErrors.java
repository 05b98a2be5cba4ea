package io.imgtrust.backend.rbd;

import com.ceph.rados.exceptions.RadosException;
import com.ceph.rbd.RbdException;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;

/**
 * Turns librados/librbd failures into {@code CEPH_ERROR} naming the errno ({@code details.errno}, e.g.
 * {@code ETIMEDOUT}), and knows the few errnos the backend acts on.
 */
final class CephErrors {
  static final int ENOENT = 2;
  static final int EEXIST = 17;
  static final int EBUSY = 16;
  static final int ENOTEMPTY = 39;
  static final int ENOSPC = 28;
  static final int EDQUOT = 122;
  static final int ERANGE = 34;
  private static final ImmutableMap<Integer, String> NAMES = ImmutableMap.<Integer, String>builder()
      .put(1, "EPERM").put(ENOENT, "ENOENT").put(4, "EINTR").put(5, "EIO").put(11, "EAGAIN").put(12, "ENOMEM")
      .put(13, "EACCES").put(EBUSY, "EBUSY").put(EEXIST, "EEXIST").put(22, "EINVAL").put(27, "EFBIG")
      .put(ENOSPC, "ENOSPC").put(30, "EROFS").put(ERANGE, "ERANGE").put(ENOTEMPTY, "ENOTEMPTY").put(95, "EOPNOTSUPP")
      .put(107, "ENOTCONN").put(108, "ESHUTDOWN").put(110, "ETIMEDOUT").put(111, "ECONNREFUSED")
      .put(EDQUOT, "EDQUOT").build();

  private CephErrors() {}

  /** The positive errno of a librados/librbd failure (rados-java keeps the negative return value), or 0. */
  static int errno(Exception e) {
    int rc = e instanceof RbdException ? ((RbdException) e).getReturnValue()
        : e instanceof RadosException ? ((RadosException) e).getReturnValue() : 0;
    return Math.abs(rc);
  }

  /** {@code ETIMEDOUT} for 110, {@code errno 200} for numbers without a name here. */
  static String name(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }

  /**
   * {@code CEPH_ERROR}: "{@code what}: NAME (librbd's message)", with {@code errno} in the details; the message
   * carries the cause's text.
   */
  static ImageTrustException of(String what, Exception e) {
    return of(what, errno(e), e);
  }

  /** {@code CEPH_ERROR} for a return code {@code rc} (negative or positive errno) of a call. */
  static ImageTrustException of(String what, long rc, Exception cause) {
    String name = name((int) Math.abs(rc));
    int errno = (int) Math.abs(rc);
    String hint = errno == EDQUOT || errno == ENOSPC ? " (the pool is full or over its quota)" : "";
    return ImageTrustException.of(Reason.CEPH_ERROR, what + ": " + name + hint
        + (cause == null ? "" : " (" + cause.getMessage() + ")"), ImmutableMap.of("errno", name));
  }
}
