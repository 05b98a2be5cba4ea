package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One qcow2 image of a backing chain: its header read and judged.
 *
 * <p>Anywhere in a chain: no external data file (bit 2 or the data-file extension), no corrupt bit, no unknown
 * incompatible bit; a backing name must be a plain path with a raw or qcow2 backing format. Backing files (never
 * written while guests run) must also be clean (no dirty bit) and unencrypted; the top, a live overlay, may be dirty
 * (lazy refcounts) or encrypted.
 */
final class Qcow2Link {
  private Qcow2Link() {}

  static BackingChain.Link read(Path real, ImageFile file, boolean top) throws ImageTrustException {
    Qcow2Header header = Qcow2Header.read(file);
    checkFeatures(real, header, top);
    if (header.extensions.dataFile().isPresent()) {
      String dataFile = header.extensions.dataFile().get();
      throw Refusals.unsafe(ImageFormat.QCOW2, real + " has an external data file '" + dataFile + "'",
          ImmutableMap.of("file", real.toString(), "data_file", dataFile));
    }
    if (!top && header.cryptMethod != 0) {
      throw Refusals.unsafe(ImageFormat.QCOW2, "backing file " + real + " is encrypted",
          ImmutableMap.of("file", real.toString()));
    }
    Optional<ImageFormat> backingFormat = Optional.empty();
    if (header.backingFile.isPresent()) {
      String name = header.backingFile.get();
      BackingNames.checkName(real, name);
      backingFormat = Optional.of(BackingNames.checkFormat(real, name, header.extensions.backingFormat()));
    }
    return new BackingChain.Link(real, ImageFormat.QCOW2, header.backingFile, backingFormat, header.size,
        header.version);
  }

  private static void checkFeatures(Path real, Qcow2Header header, boolean top) throws ImageTrustException {
    long refused = header.incompatibleFeatures & ~Qcow2Features.ACCEPTED;
    if (top) {
      refused &= ~Qcow2Features.bit(Qcow2Features.DIRTY);
    }
    if (refused == 0) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < Long.SIZE; i++) {
      if (Qcow2Features.has(refused, i)) {
        names.add(name(i));
      }
    }
    String what = top ? real.toString() : "backing file " + real;
    throw Refusals.unsafe(ImageFormat.QCOW2, what + " has incompatible features " + String.join(", ", names),
        ImmutableMap.of("file", real.toString(),
            "incompatible_features", "0x" + Long.toHexString(header.incompatibleFeatures)));
  }

  private static String name(int bit) {
    switch (bit) {
      case Qcow2Features.DIRTY:
        return "dirty (a backing file must be clean)";
      case Qcow2Features.CORRUPT:
        return "corrupt";
      case Qcow2Features.EXTERNAL_DATA_FILE:
        return "external data file";
      default:
        return "unknown bit " + bit;
    }
  }
}
