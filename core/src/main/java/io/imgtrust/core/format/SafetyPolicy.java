package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import java.util.List;

/**
 * Decides whether an inspected image may be converted or used as a base: nothing in it may make qemu open another
 * file, and nothing in it may be unknown, unfinished or encrypted.
 */
final class SafetyPolicy {
  /** The VMDK create types that are a single self-contained file. */
  static final ImmutableSet<String> VMDK_TYPES = ImmutableSet.of("monolithicSparse", "streamOptimized");

  private SafetyPolicy() {}

  static void check(InspectedImage image) throws ImageTrustException {
    ImageFormat format = image.format();
    if (image.backingFile().isPresent()) {
      ImmutableMap.Builder<String, Object> d = ImmutableMap.builder();
      d.put("backing_file", image.backingFile().get());
      image.backingFormat().ifPresent(f -> d.put("backing_format", f));
      throw Refusals.unsafe(format, "has a backing file '" + image.backingFile().get() + "'", d.build());
    }
    if (image.dataFile().isPresent()) {
      throw Refusals.unsafe(format, "has an external data file '" + image.dataFile().get() + "'",
          ImmutableMap.of("data_file", image.dataFile().get()));
    }
    List<String> refused = Qcow2Features.refused(image.incompatibleFeatures());
    if (!refused.isEmpty()) {
      throw Refusals.unsafe(format, "has incompatible features " + String.join(", ", refused),
          ImmutableMap.of("incompatible_features", "0x" + Long.toHexString(image.incompatibleFeatures())));
    }
    if (image.encrypted()) {
      throw Refusals.unsafe(format, "is encrypted", ImmutableMap.of());
    }
    if (format == ImageFormat.VMDK && !VMDK_TYPES.contains(image.vmdkCreateType().orElse(""))) {
      String type = image.vmdkCreateType().orElse("(none)");
      throw Refusals.unsafe(format, "VMDK create type " + type + " is not monolithicSparse or streamOptimized",
          ImmutableMap.of("vmdk_type", type));
    }
  }
}
