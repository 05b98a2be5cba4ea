package io.imgtrust.backend.qcow2;

import io.imgtrust.core.cache.CheckResult;
import io.imgtrust.core.policy.Policy;
import io.imgtrust.core.spi.WarnedFailure;
import java.util.Locale;
import java.util.Map;

/**
 * The report fields of the base's recheck at spawn: {@code verified} (a sentence), {@code check} ({@code passed},
 * {@code failed}, {@code shared} or {@code skipped}), {@code bytes_hashed}, and for a failure that
 * {@code mode = warn} let through, {@code failure} ({@link WarnedFailure}).
 */
final class RecheckReport {
  static final String SHARED = "shared";
  static final String SKIPPED = "skipped";

  private RecheckReport() {}

  /** What a recheck did: {@code failed}, {@code passed}, {@code shared} or {@code skipped}. */
  static String outcome(CheckResult check) {
    if (check.failure().isPresent()) {
      return WarnedFailure.FAILED;
    }
    return check.bytesHashed() > 0 ? WarnedFailure.PASSED : check.shared() ? SHARED : SKIPPED;
  }

  static void put(Map<String, Object> report, CheckResult check, Policy policy) {
    String outcome = outcome(check);
    report.put("check", outcome);
    if (outcome.equals(WarnedFailure.FAILED)) {
      report.put("verified", "FAILED: base recheck ran and found " + check.failure().get().reason()
          + "; the overlay was made anyway because mode = warn");
      report.put("failure", WarnedFailure.describe(check.failure().get()));
    } else if (outcome.equals(WarnedFailure.PASSED)) {
      report.put("verified", "base rechecked chunk by chunk before the overlay was made");
    } else if (outcome.equals(SHARED)) {
      report.put("verified", "base rechecked by a concurrent check this spawn waited for");
    } else {
      report.put("verified", "base record and file identity checked; full recheck skipped by policy (recheck = "
          + policy.recheck().name().toLowerCase(Locale.ROOT) + ")");
    }
    report.put("bytes_hashed", check.bytesHashed());
  }
}
