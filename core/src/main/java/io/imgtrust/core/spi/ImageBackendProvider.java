package io.imgtrust.core.spi;

import io.imgtrust.core.ImageTrustException;

/**
 * Makes an {@link ImageBackend}; found with {@link java.util.ServiceLoader} and activated by {@code images_type}.
 * Each provider has one id; two providers with one id fail start-up.
 */
public interface ImageBackendProvider {
  /** The {@code images_type} this provider serves, e.g. {@code qcow2}. */
  String id();

  /** A backend for this host's configuration; checks its own settings and fails loudly on bad ones. */
  ImageBackend create(BackendContext context) throws ImageTrustException;
}
