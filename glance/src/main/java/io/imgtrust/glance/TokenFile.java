package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A token kept in a file by someone else (a sidecar that renews it): read on first use and again after Glance
 * refuses it, so a renewed file is picked up without a restart.
 */
final class TokenFile implements TokenSource {
  private static final int MAX_BYTES = 64 * 1024;

  private final Path file;
  private String token;

  TokenFile(Path file) {
    this.file = file;
  }

  @Override
  public synchronized Optional<String> token() throws ImageTrustException {
    if (token == null) {
      token = read();
    }
    return Optional.of(token);
  }

  @Override
  public synchronized void invalidate(String refused) {
    if (refused.equals(token)) {
      token = null;
    }
  }

  private String read() throws ImageTrustException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw ImageTrustException.of(Reason.BAD_CONFIG, "token file " + file + " is larger than 64 KiB");
      }
      String t = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
      if (t.isEmpty() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw ImageTrustException.of(Reason.BAD_CONFIG, "token file " + file
            + " must hold one token (printable ASCII, no spaces)");
      }
      return t;
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.BAD_CONFIG, "cannot read token file " + file + ": "
          + IoErrors.describe(e), e);
    }
  }
}
