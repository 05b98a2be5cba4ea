package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.io.ImageSource;

/**
 * A Glance v2 API client (see {@link GlanceClients}). Thread-safe.
 *
 * <p>Failures are typed: {@code IMAGE_NOT_FOUND} (404), {@code IMAGE_NOT_ACTIVE}, {@code GLANCE_ERROR} (unreachable
 * after the retries, an error status, Keystone refusing, a failed TLS handshake, a stalled download or one below
 * {@code min_download_rate}, an oversized or malformed answer). A download's bytes are checked against
 * the response's {@code Content-Length} ({@code SIZE_MISMATCH}) and {@code Content-Md5} ({@code DIGEST_MISMATCH}); the
 * image's own digests and signature are the cache fill's to check.
 */
public interface GlanceClient {
  /** {@code GET /v2/images/{id}}. */
  GlanceImage image(String id) throws ImageTrustException;

  /**
   * The bytes of {@code image} ({@code GET /v2/images/{id}/file}), requested only when the source is opened. A
   * dropped connection resumes at the byte it reached with a {@code Range} request, or, where the store refuses
   * ranges (Glance's rbd store answers 400), restarts and skips the bytes already read; the reader sees one
   * unbroken stream. Retries back off and are bounded by {@code num_retries} (counted afresh after progress).
   *
   * @throws ImageTrustException {@code IMAGE_NOT_ACTIVE} unless {@code image} is active
   */
  ImageSource download(GlanceImage image) throws ImageTrustException;
}
