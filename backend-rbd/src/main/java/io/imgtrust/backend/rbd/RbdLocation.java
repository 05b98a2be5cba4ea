package io.imgtrust.backend.rbd;

import com.google.common.base.Splitter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Where Glance's rbd store keeps an image: {@code rbd://<fsid>/<pool>/<image>/<snapshot>} (its {@code direct_url}
 * and location URL; each part URL-quoted). Immutable.
 */
final class RbdLocation {
  final String fsid;
  final String pool;
  final String image;
  final String snapshot;

  private RbdLocation(String fsid, String pool, String image, String snapshot) {
    this.fsid = fsid;
    this.pool = pool;
    this.image = image;
    this.snapshot = snapshot;
  }

  /** The location {@code url} names, or empty when it is not a four-part {@code rbd://} URL. */
  static Optional<RbdLocation> parse(String url) {
    if (!url.startsWith("rbd://")) {
      return Optional.empty();
    }
    List<String> parts = Splitter.on('/').splitToList(url.substring("rbd://".length()));
    if (parts.size() != 4 || parts.stream().anyMatch(String::isEmpty)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RbdLocation(decode(parts.get(0)), decode(parts.get(1)), decode(parts.get(2)),
          decode(parts.get(3))));
    } catch (IllegalArgumentException badEscape) {
      return Optional.empty();
    }
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Whether it is in the cluster with {@code clusterFsid}. */
  boolean inCluster(String clusterFsid) {
    return fsid.equalsIgnoreCase(clusterFsid);
  }

  /** {@code pool/image@snapshot}, for messages and the seal. */
  @Override
  public String toString() {
    return pool + "/" + image + "@" + snapshot;
  }
}
