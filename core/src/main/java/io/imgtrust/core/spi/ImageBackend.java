package io.imgtrust.core.spi;

import io.imgtrust.core.ImageTrustException;

/**
 * A disk backend: turns a verified cache entry into an instance disk, and checks what a domain boots.
 *
 * <p>Contract (checked by the core's backend contract test): {@link #prepare} yields a disk holding exactly the
 * image's bytes, verified against the entry's record as the backend consumes them; on any failure nothing is left
 * behind (no file, directory, LV or RBD image, not even under a temporary name), a verification failure quarantines
 * the entry, and a typed {@link ImageTrustException} is thrown. Implementations are thread-safe: concurrent prepares
 * of one image (for different instances) all succeed.
 *
 * <p>Lifecycle: a host makes one backend per type for the life of its process ({@link Backends#create}) and closes it
 * when it stops. A backend holding resources (a Ceph connection, a thread pool) releases them in {@link #close};
 * after it, the backend is not used again.
 */
public interface ImageBackend extends AutoCloseable {
  /**
   * Makes the instance's disk from {@code request.entry()}. The entry is re-validated first (its record may have
   * changed since the entry was handed out), so a record that no longer verifies is refused ({@code RECORD_INVALID}).
   */
  PreparedDisk prepare(SpawnRequest request) throws ImageTrustException;

  /**
   * Makes the instance's disk straight from the image's bytes in the image store, without the cache, when this
   * backend can reach them where they are (the rbd backend in clone mode, for an image whose Glance location is in
   * its own Ceph cluster). The disk must be made only from bytes verified against {@code image.metadata()} (digest,
   * signature, trust), as a cache fill would verify them; a refusal leaves nothing behind, as {@link #prepare}.
   *
   * @return empty when this backend cannot take the image from its store (the caller then fills the cache and calls
   *     {@link #prepare}); the default, for every backend that reads only the cache
   * @throws ImageTrustException {@code DIGEST_MISMATCH}, {@code SIGNATURE_INVALID}, ... (nothing made), or a host
   *     failure
   */
  default java.util.Optional<PreparedDisk> prepareFromStore(String instance, StoredImage image,
      java.util.OptionalLong sizeBytes) throws ImageTrustException {
    return java.util.Optional.empty();
  }

  /**
   * Checks a domain right before it boots ({@code domainXml} is libvirt's full domain XML). Backends whose disk stays
   * backed by the cache (qcow2) verify the backing chain here; import backends do nothing.
   */
  void beforeBoot(String domainXml) throws ImageTrustException;

  /** Removes the disk {@code prepare} made for {@code instance}; a missing disk is not an error. */
  void remove(String instance, String disk) throws ImageTrustException;

  /** One line for logs and {@code --help}: the backend and where its disks live. */
  String describe();

  /** Releases what the backend holds; idempotent, never throws a checked exception. The default holds nothing. */
  @Override
  default void close() {}
}
