package io.imgtrust.glance;

import static com.google.common.base.Preconditions.checkNotNull;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.ImageMetadata;
import java.util.Optional;

/**
 * One image as {@code GET /v2/images/{id}} showed it: its id, status and the JSON document itself (what
 * {@code cache add --meta} reads). Immutable (its metadata is parsed once, when first asked for).
 */
public final class GlanceImage {
  private final String id;
  private final String status;
  private final byte[] json;
  private final Optional<String> checksum;
  /** The parsed metadata, once asked for (parsing is idempotent: a race parses twice, same result). */
  private volatile ImageMetadata metadata;

  GlanceImage(String id, String status, byte[] json, Optional<String> checksum) {
    this.id = checkNotNull(id);
    this.status = checkNotNull(status);
    this.json = json.clone();
    this.checksum = checkNotNull(checksum);
  }

  public String id() {
    return id;
  }

  /** Glance's status: {@code active}, {@code queued}, {@code saving}, {@code deactivated}, ... */
  public String status() {
    return status;
  }

  /** The JSON document as Glance sent it. */
  public byte[] json() {
    return json.clone();
  }

  /** The md5 {@code checksum} (hex, lower case) Glance keeps, if any; its download sends it as Content-Md5. */
  Optional<String> checksum() {
    return checksum;
  }

  /**
   * Where Glance's store keeps the bytes: {@code direct_url} (with {@code show_image_direct_url}) and each
   * {@code locations[].url} (with {@code show_multiple_locations}), in that order; empty when Glance shows neither or
   * the document is not JSON. Hints only: whoever reads them verifies what it reads.
   */
  public com.google.common.collect.ImmutableList<String> locations() {
    com.google.common.collect.ImmutableList.Builder<String> b = com.google.common.collect.ImmutableList.builder();
    try {
      com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      if (doc.path("direct_url").isTextual()) {
        b.add(doc.get("direct_url").asText());
      }
      for (com.fasterxml.jackson.databind.JsonNode loc : doc.path("locations")) {
        if (loc.path("url").isTextual()) {
          b.add(loc.get("url").asText());
        }
      }
    } catch (java.io.IOException notJson) {
      // no locations: the caller downloads
    }
    return b.build();
  }

  /**
   * The metadata the verifier reads.
   *
   * @throws ImageTrustException {@code IMAGE_NOT_ACTIVE} unless the status is {@code active}; a
   *     {@code MALFORMED_METADATA} from the parser
   */
  public ImageMetadata metadata() throws ImageTrustException {
    if (!"active".equals(status)) {
      throw ImageTrustException.of(Reason.IMAGE_NOT_ACTIVE, "glance image " + id + " is " + status
          + ", not active: it has no data to fetch", java.util.Map.of("status", status));
    }
    ImageMetadata m = metadata;
    if (m == null) {
      m = GlanceMetadata.parse(json);
      if (!m.id().equals(id)) {
        throw ImageTrustException.malformed("id", "glance answered for image " + id + " with image " + m.id());
      }
      metadata = m;
    }
    return m;
  }
}
