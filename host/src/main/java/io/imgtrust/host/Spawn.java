package io.imgtrust.host;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.metadata.ImageMetadata;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to spawn: the root disk of an instance from a Glance image, optionally grown to a size, through the backend
 * {@code [libvirt] images_type} selects or another one, with the cache filled from a download on the way when one is
 * given. Immutable; the {@code with*} methods return changed copies.
 */
public final class Spawn {
  private final String instance;
  private final String imageId;
  private final OptionalLong sizeBytes;
  private final Optional<String> imagesType;
  private final Optional<Path> download;
  private final Optional<ImageMetadata> metadata;
  private final CopyProgress fillProgress;
  private final CopyProgress importProgress;

  private Spawn(String instance, String imageId, OptionalLong sizeBytes, Optional<String> imagesType,
      Optional<Path> download, Optional<ImageMetadata> metadata, CopyProgress fillProgress,
      CopyProgress importProgress) {
    this.instance = checkNotNull(instance);
    this.imageId = checkNotNull(imageId);
    this.sizeBytes = sizeBytes;
    this.imagesType = imagesType;
    this.download = download;
    this.metadata = metadata;
    this.fillProgress = checkNotNull(fillProgress);
    this.importProgress = checkNotNull(importProgress);
  }

  /**
   * The root disk of {@code instance} from image {@code imageId}, at the image's size, through images_type, from the
   * cache as it is. The instance name must be plain (letters, digits, '.', '_', '-'); the host checks it.
   */
  public static Spawn of(String instance, String imageId) {
    return new Spawn(instance, imageId, OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        CopyProgress.NONE, CopyProgress.NONE);
  }

  /** This spawn with the disk grown to {@code bytes} (below the image's size is refused: FLAVOR_TOO_SMALL). */
  public Spawn withSize(long bytes) {
    checkArgument(bytes > 0, "size must be positive: %s", bytes);
    return new Spawn(instance, imageId, OptionalLong.of(bytes), imagesType, download, metadata, fillProgress,
        importProgress);
  }

  /** This spawn through backend {@code type} (an images_type value) instead of the configured one. */
  public Spawn withImagesType(String type) {
    return new Spawn(instance, imageId, sizeBytes, Optional.of(type), download, metadata, fillProgress,
        importProgress);
  }

  /**
   * This spawn filling the cache from {@code file} (the download) described by {@code meta} (its Glance metadata)
   * first; a valid cache entry makes the fill free. {@code meta} must describe {@code imageId} ({@code USAGE}).
   */
  public Spawn withDownload(Path file, ImageMetadata meta) {
    return new Spawn(instance, imageId, sizeBytes, imagesType, Optional.of(file), Optional.of(meta), fillProgress,
        importProgress);
  }

  /** This spawn reporting the cache fill to {@code fill} and the backend's import to {@code copy}. */
  public Spawn withProgress(CopyProgress fill, CopyProgress copy) {
    return new Spawn(instance, imageId, sizeBytes, imagesType, download, metadata, fill, copy);
  }

  public String instance() {
    return instance;
  }

  public String imageId() {
    return imageId;
  }

  public OptionalLong sizeBytes() {
    return sizeBytes;
  }

  /** The images_type asked for; empty means the configured {@code [libvirt] images_type}. */
  public Optional<String> imagesType() {
    return imagesType;
  }

  public Optional<Path> download() {
    return download;
  }

  public Optional<ImageMetadata> metadata() {
    return metadata;
  }

  public CopyProgress fillProgress() {
    return fillProgress;
  }

  public CopyProgress importProgress() {
    return importProgress;
  }
}
