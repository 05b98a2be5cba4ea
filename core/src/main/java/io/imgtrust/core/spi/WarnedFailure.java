package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;

/**
 * How a verification report shows a check that failed and that {@code mode = warn} let through: the report's
 * {@code check} is {@value #FAILED} and its {@code failure} holds the reason code, the message and the refusal's
 * details (e.g. {@code chunk} and {@code offset} of the first bad chunk), as a refusal would print them.
 */
public final class WarnedFailure {
  /** {@code check} of a report whose check ran and failed. */
  public static final String FAILED = "failed";
  /** {@code check} of a report whose check ran and passed. */
  public static final String PASSED = "passed";

  private WarnedFailure() {}

  /** The {@code failure} object of a report: {@code reason}, {@code message}, then the details. */
  public static ImmutableMap<String, Object> describe(ImageTrustException e) {
    ImmutableMap.Builder<String, Object> b = ImmutableMap.<String, Object>builder()
        .put("reason", e.reason().name()).put("message", e.getMessage());
    e.details().forEach((k, v) -> {
      if (!k.equals("reason") && !k.equals("message")) {
        b.put(k, v);
      }
    });
    return b.build();
  }
}
