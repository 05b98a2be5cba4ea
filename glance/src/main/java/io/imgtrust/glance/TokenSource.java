package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import java.util.Optional;

/** The token a request carries in {@code X-Auth-Token}, if any. Thread-safe. */
interface TokenSource {
  /** The current token, fetched or renewed first when there is none or it is about to expire. */
  Optional<String> token() throws ImageTrustException;

  /** Glance refused {@code token} (401): the next {@link #token()} gets a fresh one. */
  void invalidate(String token);

  /** No authentication. */
  TokenSource NONE = new TokenSource() {
    @Override
    public Optional<String> token() {
      return Optional.empty();
    }

    @Override
    public void invalidate(String token) {}
  };
}
