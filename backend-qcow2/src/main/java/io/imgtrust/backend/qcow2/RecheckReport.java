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
  private RecheckReport() {}

  static void put(Map<String, Object> report, CheckResult check, Policy policy) {
    if (check.failure().isPresent()) {
      report.put("verified", "FAILED: base recheck ran and found " + check.failure().get().reason()
          + "; the overlay was made anyway because mode = warn");
      report.put("check", WarnedFailure.FAILED);
      report.put("failure", WarnedFailure.describe(check.failure().get()));
    } else if (check.bytesHashed() > 0) {
      report.put("verified", "base rechecked chunk by chunk before the overlay was made");
      report.put("check", WarnedFailure.PASSED);
    } else if (check.shared()) {
      report.put("verified", "base rechecked by a concurrent check this spawn waited for");
      report.put("check", "shared");
    } else {
      report.put("verified", "base record and file identity checked; full recheck skipped by policy (recheck = "
          + policy.recheck().name().toLowerCase(Locale.ROOT) + ")");
      report.put("check", "skipped");
    }
    report.put("bytes_hashed", check.bytesHashed());
  }
}
