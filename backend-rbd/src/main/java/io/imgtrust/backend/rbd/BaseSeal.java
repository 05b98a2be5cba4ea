package io.imgtrust.backend.rbd;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.io.BaseEncoding;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.ledger.LedgerRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The verification record of a verified base, kept in the base image's RBD metadata ({@link #BODY_KEY}) and sealed
 * with the cluster key ({@link #MAC_KEY}): the image id, the content identity (the digest over the chunk digests, as
 * in the cache record every host has), the size, what was verified at fill (signature facts), the id of the protected
 * snapshot clones are made from, and who sealed it when. Immutable.
 */
final class BaseSeal {
  static final String BODY_KEY = "imgtrust.base";
  static final String MAC_KEY = "imgtrust.base.mac";
  private static final String HEADER = "imgtrust-base v1";

  private final ImmutableSortedMap<String, String> fields;

  private BaseSeal(Map<String, String> fields) {
    this.fields = ImmutableSortedMap.copyOf(fields);
  }

  /** The seal of a base just made from the entry with {@code record}, snapshot {@code snapId}. */
  static BaseSeal of(LedgerRecord record, long snapId, String host, Instant at) {
    return new BaseSeal(of(record.imageId(), record.contentDigest().toString(), record.size(), record.fill(), snapId,
        host, at).buildOrThrow());
  }

  /**
   * The seal of a base just made from Glance's snapshot {@code source} (id {@code sourceSnapId}) of an image of
   * {@code size} bytes whose content (the digest over its chunk digests) is {@code contentDigest}, after it verified
   * as {@code fill} says.
   */
  static BaseSeal ofStore(String imageId, String contentDigest, long size, Map<String, String> fill, long snapId,
      String source, long sourceSnapId, String host, Instant at) {
    return new BaseSeal(of(imageId, contentDigest, size, fill, snapId, host, at).put("source", source)
        .put("source_snap_id", Long.toString(sourceSnapId)).buildOrThrow());
  }

  private static ImmutableSortedMap.Builder<String, String> of(String imageId, String contentDigest, long size,
      Map<String, String> fill, long snapId, String host, Instant at) {
    ImmutableSortedMap.Builder<String, String> b = ImmutableSortedMap.naturalOrder();
    fill.forEach((k, v) -> b.put("fill." + k, v));
    return b.put("image_id", imageId).put("content_digest", contentDigest).put("size", Long.toString(size))
        .put("snap_id", Long.toString(snapId)).put("sealed_by", host).put("sealed_at", at.toString());
  }

  /** The body as stored: one {@code key=value} line each, sorted, newlines and backslashes escaped. */
  String body() {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    fields.forEach((k, v) -> s.append(k).append('=').append(v.replace("\\", "\\\\").replace("\n", "\\n"))
        .append('\n'));
    return s.toString();
  }

  /** The seal a stored body holds, or empty when it is not one. */
  static Optional<BaseSeal> parse(String body) {
    if (!body.startsWith(HEADER + "\n")) {
      return Optional.empty();
    }
    ImmutableSortedMap.Builder<String, String> b = ImmutableSortedMap.naturalOrder();
    for (String line : Splitter.on('\n').omitEmptyStrings().split(body.substring(HEADER.length() + 1))) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        return Optional.empty();
      }
      b.put(line.substring(0, eq), line.substring(eq + 1).replace("\\n", "\n").replace("\\\\", "\\"));
    }
    try {
      return Optional.of(new BaseSeal(b.buildOrThrow()));
    } catch (IllegalArgumentException duplicateKey) {
      return Optional.empty();
    }
  }

  /** Why this seal does not describe {@code record}'s content in snapshot {@code snapId}; empty when it does. */
  Optional<String> mismatch(LedgerRecord record, long snapId) {
    if (!record.imageId().equals(fields.get("image_id"))) {
      return Optional.of("it is the base of image " + fields.get("image_id"));
    }
    if (!record.contentDigest().toString().equals(fields.get("content_digest"))
        || !Long.toString(record.size()).equals(fields.get("size"))) {
      return Optional.of("its content is not this host's cache entry's");
    }
    return snapshotMismatch(snapId);
  }

  /**
   * Why this seal does not describe the image {@code meta} describes in snapshot {@code snapId}; empty when it does:
   * same image and size, and it verified against the same expected digest and signature {@code meta} has now.
   */
  Optional<String> mismatch(ImageMetadata meta, long snapId) {
    if (!meta.id().equals(fields.get("image_id")) || !Long.toString(meta.size()).equals(fields.get("size"))) {
      return Optional.of("it is not the base of image " + meta.id() + " of " + meta.size() + " bytes");
    }
    Optional<String> digest = meta.expectedDigest().map(d -> BaseEncoding.base16().lowerCase().encode(d.value()));
    Optional<String> signature = meta.signature().map(SignatureProperties::signatureBase64);
    if (!digest.equals(Optional.ofNullable(fields.get("fill.digest_value")))
        || !signature.equals(Optional.ofNullable(fields.get("fill.signature")))) {
      return Optional.of("it was verified against another digest or signature than Glance's image " + meta.id()
          + " has now");
    }
    return snapshotMismatch(snapId);
  }

  private Optional<String> snapshotMismatch(long snapId) {
    if (!Long.toString(snapId).equals(fields.get("snap_id"))) {
      return Optional.of("its snapshot is not the one that was sealed (id " + snapId + ", sealed "
          + fields.get("snap_id") + ")");
    }
    return Optional.empty();
  }

  /** Who sealed it when, for reports. */
  String sealedBy() {
    return fields.get("sealed_by") + " at " + fields.get("sealed_at");
  }
}
