package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The qcow2 backing file name and backing format, judged and resolved as qemu would use them.
 *
 * <p>qemu hands a name with a protocol prefix (any {@code ':'} before the first {@code '/'}, as its
 * {@code path_has_protocol} decides) to a block driver instead of the file system: {@code json:{...}} can nest any
 * driver, {@code nbd:}, {@code rbd:}, {@code http:} reach the network, {@code file:} bypasses the directory checks.
 * All of them are refused. A plain name is combined with the directory of the path the naming image was reached by.
 */
final class BackingNames {
  private BackingNames() {}

  /** Refuses names qemu would not treat as a plain file path, or that this reader could mistake for another file. */
  static void checkName(Path image, String name) throws ImageTrustException {
    if (name.isEmpty()) {
      throw refused(image, name, "an empty backing file name");
    }
    if (name.startsWith("json:")) {
      throw refused(image, name, "a json: backing file name (it can reach any qemu block driver)");
    }
    int slash = name.indexOf('/');
    int colon = name.indexOf(':');
    if (colon >= 0 && (slash < 0 || colon < slash)) {
      String protocol = name.substring(0, colon);
      throw refused(image, name, "a backing file name with the protocol prefix '" + protocol
          + ":' (qemu would not read it as a local file)");
    }
    if (name.indexOf('\uFFFD') >= 0) {
      throw refused(image, name, "a backing file name that is not valid UTF-8");
    }
    if (name.endsWith("/")) {
      throw refused(image, name, "a backing file name that ends with '/'");
    }
  }

  /**
   * The backing format named by the extension, which must be there (probing is unsafe) and be {@code raw} or
   * {@code qcow2}.
   */
  static ImageFormat checkFormat(Path image, String name, Optional<String> format) throws ImageTrustException {
    if (format.isEmpty()) {
      throw refused(image, name, "a backing file without a backing format (probing the format is unsafe)");
    }
    switch (format.get()) {
      case "raw":
        return ImageFormat.RAW;
      case "qcow2":
        return ImageFormat.QCOW2;
      default:
        throw Refusals.unsafe(ImageFormat.QCOW2, image + " declares backing format '" + format.get()
            + "' for '" + name + "' (only raw and qcow2 are allowed)",
            ImmutableMap.of("file", image.toString(), "backing_file", name, "backing_format", format.get()));
    }
  }

  /**
   * {@code name} resolved as qemu resolves it: absolute as is, relative against the directory of {@code namedBy},
   * the absolute path the naming image was reached by (symlinks not yet followed).
   */
  static Path resolve(Path namedBy, String name) throws ImageTrustException {
    try {
      Path path = Path.of(name);
      return path.isAbsolute() ? path : namedBy.resolveSibling(path);
    } catch (InvalidPathException e) {
      throw refused(namedBy, name, "a backing file name that is not a valid path");
    }
  }

  private static ImageTrustException refused(Path image, String name, String what) {
    return Refusals.unsafe(ImageFormat.QCOW2, image + " has " + what + ": '" + name + "'",
        ImmutableMap.of("file", image.toString(), "backing_file", name));
  }
}
