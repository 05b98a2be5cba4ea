package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;

/** Provides the qcow2 backend ({@code images_type = qcow2}, or {@code default}, as in Nova). */
public final class Qcow2BackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "qcow2";
  }

  @Override
  public ImmutableList<BackendOption> options() {
    return ImmutableList.of(Qcow2Backend.ALLOWED_BACKING_DIRS);
  }

  @Override
  public ImageBackend create(BackendContext context) throws ImageTrustException {
    return new Qcow2Backend(context);
  }
}
