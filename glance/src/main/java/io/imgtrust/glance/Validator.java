package io.imgtrust.glance;

import java.util.Optional;

/**
 * What identifies the version of an image's data a response carries: its strong {@code ETag}, {@code Last-Modified}
 * and {@code Content-Md5} (Glance sends only the last). A resumed response whose validator differs from the first
 * response's belongs to other data. Immutable.
 */
final class Validator {
  private final Optional<String> etag;
  private final Optional<String> lastModified;
  private final Optional<String> contentMd5;

  private Validator(Optional<String> etag, Optional<String> lastModified, Optional<String> contentMd5) {
    this.etag = etag;
    this.lastModified = lastModified;
    this.contentMd5 = contentMd5;
  }

  /** The validators of {@code a}; a weak ETag ({@code W/...}) is no validator of bytes and is ignored. */
  static Validator of(Transport.Answer a) {
    return new Validator(a.header("ETag").filter(e -> !e.startsWith("W/")), a.header("Last-Modified"),
        a.header("Content-Md5").map(m -> m.toLowerCase(java.util.Locale.ROOT)));
  }

  /** The value of {@code If-Range} on a resume: the strong ETag, else Last-Modified; empty when there is neither. */
  Optional<String> ifRange() {
    return etag.isPresent() ? etag : lastModified;
  }

  /** Whether {@code later} names other data: a validator both carry differs. */
  boolean changedTo(Validator later) {
    return differs(etag, later.etag) || differs(lastModified, later.lastModified)
        || differs(contentMd5, later.contentMd5);
  }

  private static boolean differs(Optional<String> a, Optional<String> b) {
    return a.isPresent() && b.isPresent() && !a.equals(b);
  }

  @Override
  public String toString() {
    return etag.map(e -> "ETag " + e).or(() -> lastModified.map(l -> "Last-Modified " + l))
        .or(() -> contentMd5.map(m -> "Content-Md5 " + m)).orElse("no validator");
  }
}
