package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;

/**
 * Optional for an {@link ImageBackend}: the images it shares between instances (the rbd backend's verified bases in
 * clone mode), which outlive every instance and are removed only by an explicit command ({@code imgtrust cache
 * base-list}, {@code base-remove}). A host finds it with {@code instanceof}; a backend without shared images does not
 * implement it.
 */
public interface SharedBases {
  /** Every shared base the backend sees: at least {@code name} (where it lives) and {@code clones} (how many). */
  ImmutableList<ImmutableMap<String, Object>> listBases() throws ImageTrustException;

  /**
   * Removes the shared bases of {@code imageId} (the base and any set-aside ones), all or none, under the same lock
   * spawns take on the base.
   *
   * @return what was removed ({@code removed}: the names)
   * @throws ImageTrustException {@code BASE_IN_USE} while any of them has clones (nothing removed; the message names
   *     how many), {@code IMAGE_NOT_FOUND} when there is no base of that image, {@code LOCK_TIMEOUT}, or a host
   *     failure
   */
  ImmutableMap<String, Object> removeBases(String imageId) throws ImageTrustException;
}
