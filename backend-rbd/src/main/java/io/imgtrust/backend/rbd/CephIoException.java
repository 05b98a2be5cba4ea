package io.imgtrust.backend.rbd;

import java.io.IOException;

/** A failed librbd call inside an {@link io.imgtrust.core.digest.ImageSink} write, keeping its return code. */
final class CephIoException extends IOException {
  private static final long serialVersionUID = 1L;
  final long rc;

  CephIoException(String what, long rc) {
    super(what + ": " + CephErrors.name((int) Math.abs(rc)));
    this.rc = rc;
  }

  /** The failure as {@code CEPH_ERROR} if {@code t} or one of its causes is one of these, else empty. */
  static java.util.Optional<CephIoException> in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CephIoException) {
        return java.util.Optional.of((CephIoException) c);
      }
    }
    return java.util.Optional.empty();
  }
}
