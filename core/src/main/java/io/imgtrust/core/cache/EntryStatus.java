package io.imgtrust.core.cache;

import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** One line of {@code cache list}: a cache file name, its record (if sealed) and its state. Immutable. */
public final class EntryStatus {
  /** What the cache knows of the entry without hashing it. */
  public enum State {
    /** Sealed record, file present and unchanged. */
    VERIFIED,
    /** Moved to quarantine. */
    QUARANTINED,
    /** Record present, cache file missing (e.g. a fill was interrupted). */
    MISSING,
    /** The record fails its seal, or the file is not the one it names. */
    RECORD_INVALID
  }

  private final String name;
  private final Optional<LedgerRecord> record;
  private final State state;

  private EntryStatus(String name, Optional<LedgerRecord> record, State state) {
    this.name = name;
    this.record = record;
    this.state = state;
  }

  static EntryStatus of(String name, Optional<LedgerRecord> record, Path file) {
    if (record.isEmpty()) {
      return new EntryStatus(name, record, State.RECORD_INVALID);
    }
    if (record.get().state() == LedgerRecord.State.QUARANTINED) {
      return new EntryStatus(name, record, State.QUARANTINED);
    }
    try {
      return new EntryStatus(name, record,
          FileIdentity.of(file).equals(record.get().identity()) ? State.VERIFIED : State.RECORD_INVALID);
    } catch (java.nio.file.NoSuchFileException e) {
      return new EntryStatus(name, record, State.MISSING);
    } catch (IOException e) {
      return new EntryStatus(name, record, State.RECORD_INVALID);
    }
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
