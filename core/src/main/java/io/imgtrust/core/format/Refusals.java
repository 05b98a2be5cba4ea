package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.util.Map;

/** The exceptions the inspector throws; one place so messages and details stay uniform. */
final class Refusals {
  private Refusals() {}

  /** {@code UNSAFE_IMAGE}: a header of {@code format} is truncated or has a field out of range. */
  static ImageTrustException malformed(ImageFormat format, String problem) {
    return ImageTrustException.of(
        Reason.UNSAFE_IMAGE,
        "malformed " + format.glanceName() + " header: " + problem,
        ImmutableMap.of("format", format.glanceName(), "problem", problem));
  }

  /** {@code UNSAFE_IMAGE}: a well-formed image that must not be used; {@code details} add to the format. */
  static ImageTrustException unsafe(ImageFormat format, String problem, Map<String, ?> details) {
    ImmutableMap<String, Object> all = ImmutableMap.<String, Object>builder()
        .put("format", format.glanceName())
        .put("problem", problem)
        .putAll(details)
        .buildKeepingLast();
    return ImageTrustException.of(Reason.UNSAFE_IMAGE, "unsafe " + format.glanceName() + " image: " + problem, all);
  }

  /** {@code FORMAT_MISMATCH}: Glance says {@code diskFormat}, the headers say {@code actual}. */
  static ImageTrustException mismatch(String diskFormat, ImageFormat actual) {
    return ImageTrustException.of(
        Reason.FORMAT_MISMATCH,
        "disk_format is " + diskFormat + " but the image is " + actual.glanceName(),
        ImmutableMap.of("disk_format", diskFormat, "format", actual.glanceName()));
  }
}
