package io.imgtrust.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * The one checked exception imgtrust throws for refusals and failures.
 *
 * <p>Every instance carries a stable {@link Reason} and a short message for a person. {@link #details()} holds
 * machine-readable facts (for example the field that was malformed, or the offset of the first bad chunk) that the
 * command prints with {@code --json}. Details never contain secrets. Bugs are not reported with this type; they are
 * unchecked exceptions.
 */
public final class ImageTrustException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Reason reason;
  private final ImmutableMap<String, Object> details;

  private ImageTrustException(Reason reason, String message, Map<String, ?> details, Throwable cause) {
    super(message, cause);
    this.reason = checkNotNull(reason);
    this.details = ImmutableMap.copyOf(details);
  }

  /** A refusal or failure with a message and no details. */
  public static ImageTrustException of(Reason reason, String message) {
    return new ImageTrustException(reason, message, ImmutableMap.of(), null);
  }

  /** A refusal or failure with a message and machine-readable details. */
  public static ImageTrustException of(Reason reason, String message, Map<String, ?> details) {
    return new ImageTrustException(reason, message, details, null);
  }

  /** A refusal or failure caused by another exception, which is kept as the cause. */
  public static ImageTrustException wrap(Reason reason, String message, Throwable cause) {
    return new ImageTrustException(reason, message, ImmutableMap.of(), cause);
  }

  /** {@code MALFORMED_METADATA} naming the offending field. */
  public static ImageTrustException malformed(String field, String problem) {
    return of(Reason.MALFORMED_METADATA, field + ": " + problem, ImmutableMap.of("field", field));
  }

  /** The stable reason code. */
  public Reason reason() {
    return reason;
  }

  /** Machine-readable details; empty when there are none. */
  public ImmutableMap<String, Object> details() {
    return details;
  }
}
