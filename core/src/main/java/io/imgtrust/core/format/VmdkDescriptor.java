package io.imgtrust.core.format;

import java.util.Optional;

/**
 * Reads values from VMDK descriptor text the way qemu does: the first occurrence of the key anywhere in the text,
 * then optional spaces, {@code =}, optional spaces and a double-quoted value.
 */
final class VmdkDescriptor {
  static final String PARENT_HINT = "parentFileNameHint";

  private VmdkDescriptor() {}

  /** The quoted value of the first {@code key} in {@code text}; empty when absent or not well formed. */
  static Optional<String> value(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return Optional.empty();
    }
    int p = skipSpaces(text, at + key.length());
    if (p >= text.length() || text.charAt(p) != '=') {
      return Optional.empty();
    }
    p = skipSpaces(text, p + 1);
    if (p >= text.length() || text.charAt(p) != '"') {
      return Optional.empty();
    }
    int end = text.indexOf('"', p + 1);
    return end < 0 ? Optional.empty() : Optional.of(text.substring(p + 1, end));
  }

  /**
   * The parent named by {@code parentFileNameHint}; present (possibly empty) whenever the key occurs at all, since
   * qemu then tries to open a parent.
   */
  static Optional<String> parentHint(String text) {
    if (!text.contains(PARENT_HINT)) {
      return Optional.empty();
    }
    return Optional.of(value(text, PARENT_HINT).orElse(""));
  }

  private static int skipSpaces(String text, int from) {
    int p = from;
    while (p < text.length() && text.charAt(p) == ' ') {
      p++;
    }
    return p;
  }
}
