package io.imgtrust.core.policy;

import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.time.Duration;
import java.time.Instant;

/**
 * The verification policy of {@code [verification]}: whether refusals are enforced or only logged, and when a cache
 * entry is rechecked before use. ({@code verify_signatures} is the verifier's: {@code ImageVerifier.fromConfig}.)
 * Immutable.
 */
public final class Policy {
  /** When a cache entry that stays live (a qcow2 base) is rechecked before each boot. */
  public enum Recheck { ALWAYS, INTERVAL, NEVER }

  private final boolean enforce;
  private final Recheck recheck;
  private final Duration interval;
  private final boolean recheckSignature;

  private Policy(boolean enforce, Recheck recheck, Duration interval, boolean recheckSignature) {
    this.enforce = enforce;
    this.recheck = recheck;
    this.interval = interval;
    this.recheckSignature = recheckSignature;
  }

  public static Policy fromConfig(ImgtrustConfig c) {
    return new Policy(c.enforcing(), Recheck.valueOf(c.string(Key.RECHECK).toUpperCase(java.util.Locale.ROOT)),
        Duration.ofSeconds(c.number(Key.RECHECK_INTERVAL_SECONDS)), c.bool(Key.RECHECK_SIGNATURE));
  }

  /** {@code mode = enforce}: a failed check refuses; otherwise ({@code warn}) it is logged and counted. */
  public boolean enforce() {
    return enforce;
  }

  public Recheck recheck() {
    return recheck;
  }

  /** {@code recheck_signature}: re-verify the signature itself when the cache file is the original signed bytes. */
  public boolean recheckSignature() {
    return recheckSignature;
  }

  /**
   * Whether an entry whose file is unchanged since it was sealed must be hashed again before use: always; never; or,
   * with {@code interval}, when the last full verification is older than the interval. A file that changed (its
   * {@link FileIdentity} differs, ctime included, or its owner or mode) is always hashed, whatever the policy: the
   * cache decides that before asking.
   */
  public boolean needsRecheck(LedgerRecord record, Instant now) {
    switch (recheck) {
      case NEVER:
        return false;
      case INTERVAL:
        return record.verifiedAt().plus(interval).isBefore(now);
      default:
        return true;
    }
  }
}
