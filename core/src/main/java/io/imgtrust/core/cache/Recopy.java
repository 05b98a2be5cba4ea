package io.imgtrust.core.cache;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.ImageSink;
import io.imgtrust.core.digest.VerifiedCopy;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.io.FileSink;
import io.imgtrust.core.io.Temporaries;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A changed cache file taken back by copying it, never by adopting it: whoever held the file (a descriptor opened
 * while it was writable, an owner who can chmod it) can write its inode at any time, so its bytes are copied into a
 * new temporary file beside it, an inode only this process has opened, and the very buffers written are checked
 * against the record's chunk digests. The copy is read-only (0444) and owned by this process's user; {@link
 * Sealing#replace} gives it the cache file's name. A copy a killed check left is a dot-file that the next check of
 * the entry removes.
 */
final class Recopy {
  private static final String TAG = "recopy";

  private Recopy() {}

  /**
   * Copies cache file {@code file} (with identity {@code found}) into a new file beside it while checking it against
   * {@code record}; the caller holds the entry lock and removes the copy once it is renamed or on failure.
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH} naming the first bad chunk, {@code SIZE_MISMATCH} (no copy
   *     is left behind), {@code IO_ERROR} (e.g. no space left for the copy)
   */
  static Path of(Path file, FileIdentity found, LedgerRecord record) throws ImageTrustException {
    if (found.size() != record.size()) {
      throw ImageTrustException.of(Reason.SIZE_MISMATCH, file + " has " + found.size() + " bytes, the record "
          + record.size(), ImmutableMap.of("expected", record.size(), "actual", found.size()));
    }
    Path copy = AtomicFiles.tempSibling(file, TAG);
    boolean done = false;
    try {
      Temporaries.removeStale(file, TAG);
      try (FileSink sink = FileSink.create(copy)) {
        VerifiedCopy.of(file, record.chunks(), record.size()).into(new Bounded(sink, record.size()));
        sink.finish(record.size());
      }
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
      done = true;
      return copy;
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot copy " + file + " to " + copy + ": "
          + IoErrors.describe(e), e);
    } finally {
      if (!done) {
        deleteQuietly(copy);
      }
    }
  }

  /** Removes {@code copy} if it is still there (not renamed into place). */
  static void deleteQuietly(Path copy) {
    Temporaries.undo(copy, copy.getParent(), false);
  }

  /** A sink that drops what lies past the record's size: a file grown meanwhile cannot fill the disk. */
  private static final class Bounded implements ImageSink {
    private final ImageSink sink;
    private final long size;

    Bounded(ImageSink sink, long size) {
      this.sink = sink;
      this.size = size;
    }

    @Override
    public void write(ByteBuffer data, long offset) throws IOException {
      long room = size - offset;
      if (room > 0) {
        sink.write(data.slice(data.position(), (int) Math.min(room, data.remaining())), offset);
      }
    }

    @Override
    public int zeroBlockSize() {
      return sink.zeroBlockSize();
    }
  }
}
