package io.imgtrust.core.format;

import com.google.common.base.CharMatcher;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads values from VMDK descriptor text the way qemu does: the first occurrence of the key anywhere in the text,
 * then optional spaces, {@code =}, optional spaces and a double-quoted value. Also lists the extent lines.
 */
final class VmdkDescriptor {
  static final String PARENT_HINT = "parentFileNameHint";
  /** The first words of an extent line ({@code RW 2048 SPARSE "name.vmdk"}); qemu only opens {@code RW} ones. */
  static final ImmutableSet<String> ACCESS = ImmutableSet.of("RW", "RDONLY", "NOACCESS");
  /** What C's {@code isspace} accepts, as {@code sscanf} skips it. */
  private static final CharMatcher WHITESPACE = CharMatcher.anyOf(" \t\n\r\u000b\f");

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

  /**
   * The extent lines of {@code text}: every line whose first word is an access mode, whitespace-trimmed, whether or
   * not it is well formed (a caller that allows extents must parse them strictly).
   */
  static ImmutableList<String> extentLines(String text) {
    ImmutableList.Builder<String> lines = ImmutableList.builder();
    for (String line : Splitter.on('\n').trimResults(WHITESPACE).omitEmptyStrings().split(text)) {
      List<String> words = Splitter.on(WHITESPACE).omitEmptyStrings().limit(2).splitToList(line);
      if (ACCESS.contains(words.get(0))) {
        lines.add(line);
      }
    }
    return lines.build();
  }

}
