package io.imgtrust.cli;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses disk sizes as operators write them: {@code 20} (GiB), {@code 20G}, {@code 512M}, {@code 4096B}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:I?B)?");

  private Sizes() {}

  /** Bytes, rounded up to a multiple of 512. A bare number is GiB. */
  public static long parse(String text) throws ImageTrustException {
    Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw ImageTrustException.of(Reason.USAGE, "--size '" + text + "' is not a size (e.g. 20, 20G, 512M)");
    }
    boolean bytesOnly = text.strip().toUpperCase(Locale.ROOT).endsWith("B") && m.group(2).isEmpty()
        && !text.strip().toUpperCase(Locale.ROOT).endsWith("IB");
    int shift = bytesOnly ? 0 : "KMGT".indexOf(m.group(2).isEmpty() ? "G" : m.group(2)) * 10 + 10;
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(shift));
    long b = bytes.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    return (b + 511) / 512 * 512;
  }
}
