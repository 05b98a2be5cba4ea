package io.imgtrust.core.cache;

import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One line of {@code cache list}: a file name in the cache directory, its record (if sealed) and its state, found
 * without hashing. Immutable.
 */
public final class EntryStatus {
  /** What the cache knows of the entry without hashing it. */
  public enum State {
    /** Sealed record, file present and unchanged (identity with ctime, owner, mode 0444). */
    VERIFIED,
    /**
     * Sealed record, but the file changed since it was sealed (edited, replaced, touched, chowned or chmodded, or
     * sealed by an older imgtrust without a ctime): its next use hashes it in full, then seals it again or
     * quarantines it.
     */
    CHANGED,
    /** Moved to quarantine. */
    QUARANTINED,
    /** Record present, cache file missing (e.g. a fill was interrupted). */
    MISSING,
    /**
     * A file without a record with a valid seal (planted, or its record was removed or altered), a file in place of a
     * quarantined entry, or something other than a regular file.
     */
    RECORD_INVALID
  }

  private final String name;
  private final Optional<LedgerRecord> record;
  private final State state;
  private final boolean present;

  private EntryStatus(String name, Optional<LedgerRecord> record, State state, boolean present) {
    this.name = name;
    this.record = record;
    this.state = state;
    this.present = present;
  }

  static EntryStatus of(String name, Optional<LedgerRecord> record, Path file) {
    boolean present = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    if (record.isEmpty()) {
      return new EntryStatus(name, record, State.RECORD_INVALID, present);
    }
    if (record.get().state() == LedgerRecord.State.QUARANTINED) {
      return new EntryStatus(name, record, present ? State.RECORD_INVALID : State.QUARANTINED, present);
    }
    try {
      boolean same = record.get().identity().matches(FileIdentity.of(file)) && Custody.of(file).isOurs();
      return new EntryStatus(name, record, same ? State.VERIFIED : State.CHANGED, present);
    } catch (java.nio.file.NoSuchFileException e) {
      return new EntryStatus(name, record, State.MISSING, present);
    } catch (IOException e) {
      return new EntryStatus(name, record, State.RECORD_INVALID, present);
    }
  }

  /** Whether the listing names a file that {@code cache verify} and {@code cache scrub} check. */
  public boolean checkable() {
    return present && state != State.QUARANTINED && state != State.MISSING;
  }

  public String name() {
    return name;
  }

  public Optional<LedgerRecord> record() {
    return record;
  }

  public State state() {
    return state;
  }
}
