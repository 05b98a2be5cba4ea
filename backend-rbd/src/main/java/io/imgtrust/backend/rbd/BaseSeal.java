package io.imgtrust.backend.rbd;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.hash.HashCode;
import com.google.common.io.BaseEncoding;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.ledger.LedgerRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verification record of a verified base, kept in the base image's RBD metadata ({@link #BODY_KEY}) and sealed
 * with the cluster key ({@link #MAC_KEY}): the image id, the content identity (the digest over the chunk digests, as
 * in the cache record every host has; the chunk digests themselves are in {@link #CHUNKS_KEY}, bound by it), the
 * size, what was verified at fill (signature facts), where the protected snapshot clones are made from ({@link
 * BaseRef}: cluster fsid, pool id, base image id, snapshot id), the fingerprint of the cluster key that sealed it, and
 * who sealed it when. Immutable.
 */
final class BaseSeal {
  static final String BODY_KEY = "imgtrust.base";
  static final String MAC_KEY = "imgtrust.base.mac";
  /** The chunk digests, lower-case hex concatenated; bound by the sealed {@code content_digest}. */
  static final String CHUNKS_KEY = "imgtrust.base.chunks";
  /** Every metadata key of a seal; a clone inherits its parent's metadata, so these are removed from each clone. */
  static final ImmutableList<String> KEYS = ImmutableList.of(BODY_KEY, MAC_KEY, CHUNKS_KEY);
  private static final String HEADER = "imgtrust-base v1";

  private final ImmutableSortedMap<String, String> fields;

  private BaseSeal(Map<String, String> fields) {
    this.fields = ImmutableSortedMap.copyOf(fields);
  }

  /** Where and by whom a base is sealed: its snapshot, the cluster key's fingerprint, the host, the time. */
  static final class Stamp {
    final BaseRef ref;
    final String keyFingerprint;
    final String host;
    final Instant at;

    Stamp(BaseRef ref, String keyFingerprint, String host, Instant at) {
      this.ref = ref;
      this.keyFingerprint = keyFingerprint;
      this.host = host;
      this.at = at;
    }
  }

  /** The seal of a base just made from the entry with {@code record}. */
  static BaseSeal of(LedgerRecord record, Stamp stamp) {
    return new BaseSeal(of(record.imageId(), record.contentDigest().toString(), record.size(), record.fill(), stamp)
        .buildOrThrow());
  }

  /**
   * The seal of a base just made from Glance's snapshot {@code source} (id {@code sourceSnapId}) of an image of
   * {@code size} bytes whose content (the digest over its chunk digests) is {@code contentDigest}, after it verified
   * as {@code fill} says.
   */
  static BaseSeal ofStore(String imageId, String contentDigest, long size, Map<String, String> fill, String source,
      long sourceSnapId, Stamp stamp) {
    return new BaseSeal(of(imageId, contentDigest, size, fill, stamp).put("source", source)
        .put("source_snap_id", Long.toString(sourceSnapId)).buildOrThrow());
  }

  private static ImmutableSortedMap.Builder<String, String> of(String imageId, String contentDigest, long size,
      Map<String, String> fill, Stamp stamp) {
    ImmutableSortedMap.Builder<String, String> b = ImmutableSortedMap.naturalOrder();
    fill.forEach((k, v) -> b.put("fill." + k, v));
    return b.put("image_id", imageId).put("content_digest", contentDigest).put("size", Long.toString(size))
        .put("fsid", stamp.ref.fsid).put("pool_id", Long.toString(stamp.ref.poolId))
        .put("base_image_id", stamp.ref.imageId).put("snap_id", Long.toString(stamp.ref.snapId))
        .put("key_fingerprint", stamp.keyFingerprint).put("sealed_by", stamp.host)
        .put("sealed_at", stamp.at.toString());
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
      Optional<String> value = eq <= 0 ? Optional.empty() : unescape(line.substring(eq + 1));
      if (value.isEmpty()) {
        return Optional.empty();
      }
      b.put(line.substring(0, eq), value.get());
    }
    try {
      return Optional.of(new BaseSeal(b.buildOrThrow()));
    } catch (IllegalArgumentException duplicateKey) {
      return Optional.empty();
    }
  }

  /** The inverse of the escaping in {@link #body}, left to right; empty for a lone or unknown escape. */
  private static Optional<String> unescape(String v) {
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = ++i < v.length() ? v.charAt(i) : 0;
      if (next != '\\' && next != 'n') {
        return Optional.empty();
      }
      out.append(next == 'n' ? '\n' : '\\');
    }
    return Optional.of(out.toString());
  }

  /** {@code chunks} as stored under {@link #CHUNKS_KEY}: their lower-case hex, concatenated. */
  static String chunksText(List<HashCode> chunks) {
    StringBuilder s = new StringBuilder(chunks.size() * 64);
    chunks.forEach(c -> s.append(c));
    return s.toString();
  }

  /**
   * The chunk digests stored as {@code text} (under {@link #CHUNKS_KEY}) when they are this seal's: their digest is
   * its content digest; else empty.
   */
  Optional<ImmutableList<HashCode>> chunks(String text) {
    if (text.length() % 64 != 0) {
      return Optional.empty();
    }
    try {
      ImmutableList<HashCode> list = Splitter.fixedLength(64).splitToStream(text).map(HashCode::fromString)
          .collect(ImmutableList.toImmutableList());
      return ImageDigests.chunkListDigest(list).toString().equals(contentDigest()) ? Optional.of(list)
          : Optional.empty();
    } catch (IllegalArgumentException notHex) {
      return Optional.empty();
    }
  }

  /** The fingerprint of the cluster key that sealed it (bases sealed before it was recorded have none). */
  Optional<String> keyFingerprint() {
    return Optional.ofNullable(fields.get("key_fingerprint"));
  }

  /** The sealed content identity: SHA-256 over the chunk digests, hex. */
  private String contentDigest() {
    return fields.get("content_digest");
  }

  /** Why this seal does not describe {@code record}'s content in the snapshot {@code found}; empty when it does. */
  Optional<String> mismatch(LedgerRecord record, BaseRef found) {
    if (!record.imageId().equals(fields.get("image_id"))) {
      return Optional.of("it is the base of image " + fields.get("image_id"));
    }
    if (!record.contentDigest().toString().equals(contentDigest())
        || !Long.toString(record.size()).equals(fields.get("size"))) {
      return Optional.of("its content is not this host's cache entry's");
    }
    return refMismatch(found);
  }

  /**
   * Why this seal does not describe the image {@code meta} describes in the snapshot {@code found}; empty when it does:
   * same image and size, and it verified against the same expected digest and signature {@code meta} has now.
   */
  Optional<String> mismatch(ImageMetadata meta, BaseRef found) {
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
    return refMismatch(found);
  }

  private Optional<String> refMismatch(BaseRef found) {
    if (!found.fsid.equals(fields.get("fsid")) || !Long.toString(found.poolId).equals(fields.get("pool_id"))) {
      return Optional.of("it was sealed in pool id " + fields.get("pool_id") + " of cluster " + fields.get("fsid")
          + ", not here (pool id " + found.poolId + " of cluster " + found.fsid + ")");
    }
    if (!found.imageId.equals(fields.get("base_image_id"))) {
      return Optional.of("it was sealed on RBD image id " + fields.get("base_image_id") + ", not on this one ("
          + found.imageId + ")");
    }
    if (!Long.toString(found.snapId).equals(fields.get("snap_id"))) {
      return Optional.of("its snapshot is not the one that was sealed (id " + found.snapId + ", sealed "
          + fields.get("snap_id") + ")");
    }
    return Optional.empty();
  }

  /** The sealed size in bytes. */
  long size() {
    return Long.parseLong(fields.get("size"));
  }

  /** Who sealed it when, for reports. */
  String sealedBy() {
    return fields.get("sealed_by") + " at " + fields.get("sealed_at");
  }
}
