package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;

/**
 * Makes an {@link ImageBackend}; found with {@link java.util.ServiceLoader} (once per process, see {@link Backends})
 * and activated by {@code images_type}. Each provider has one id; two providers with one id fail start-up.
 */
public interface ImageBackendProvider {
  /** The {@code images_type} this provider serves, e.g. {@code qcow2}. */
  String id();

  /**
   * The options this backend reads (its own INI section), with types, defaults and documentation. The configuration
   * loader validates them and reports only options nobody declared; the backend reads them typed through
   * {@link BackendContext#settings()}.
   */
  default ImmutableList<BackendOption> options() {
    return ImmutableList.of();
  }

  /** A new backend for this host's configuration; fails loudly on bad settings. The caller closes it. */
  ImageBackend create(BackendContext context) throws ImageTrustException;
}
