package io.imgtrust.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;

/** Asserts a typed refusal. */
public final class Refusals {
  private Refusals() {}

  /** Code expected to throw. */
  public interface Call {
    void run() throws Exception;
  }

  /** The {@link ImageTrustException} {@code call} throws, after asserting that it throws one with {@code reason}. */
  public static ImageTrustException refused(Reason reason, Call call) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, call::run);
    assertThat(e).as("refused with %s", reason).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    return e;
  }
}
