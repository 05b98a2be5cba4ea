package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Copies a cache file into an {@link ImageSink} while checking it against its record's chunk digests, in one read:
 * a reader fills large buffers, the chunk checks run on every core, and one writer thread hands the buffers to the
 * sink in offset order, leaving out all-zero blocks where the sink reads zeros anyway. A mismatch stops the copy at
 * once and names the lowest bad chunk. Interrupting the caller cancels the copy.
 *
 * <p>Not guaranteed: that the sink holds nothing of a bad chunk. On any failure the caller discards the target.
 */
public final class VerifiedCopy {
  private final Path file;
  private final ImmutableList<HashCode> chunks;
  private final long size;
  private final CopyProgress progress;
  private final boolean reportFailures;

  private VerifiedCopy(Path file, ImmutableList<HashCode> chunks, long size, CopyProgress progress,
      boolean reportFailures) {
    this.file = file;
    this.chunks = chunks;
    this.size = size;
    this.progress = progress;
    this.reportFailures = reportFailures;
  }

  /** A copy of {@code file}, expected to be {@code size} bytes with these chunk digests. */
  public static VerifiedCopy of(Path file, ImmutableList<HashCode> chunks, long size) {
    return new VerifiedCopy(file, chunks, size, CopyProgress.NONE, false);
  }

  public VerifiedCopy withProgress(CopyProgress p) {
    return new VerifiedCopy(file, chunks, size, p, reportFailures);
  }

  /**
   * This copy for {@code mode = warn}: a mismatch does not stop it; the whole file is copied and a
   * {@code DIGEST_MISMATCH} or {@code SIZE_MISMATCH} comes back in {@link CopyReport#failure()} instead of thrown.
   */
  public VerifiedCopy reportingFailures() {
    return new VerifiedCopy(file, chunks, size, progress, true);
  }

  /**
   * Runs the copy.
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH} (details {@code chunk}, {@code offset}),
   *     {@code SIZE_MISMATCH} (both only without {@link #reportingFailures()}), or {@code IO_ERROR} when reading or
   *     writing fails (e.g. no space left)
   */
  public CopyReport into(ImageSink sink) throws ImageTrustException {
    long t0 = System.nanoTime();
    SinkLane writer = new SinkLane(sink, size, progress);
    ImageTrustException failure = null;
    try {
      long read = ChunkVerifier.create().verifyWith(file, chunks, writer, reportFailures);
      if (read != size) {
        throw ImageTrustException.of(Reason.SIZE_MISMATCH, file + " has " + read + " bytes, the record " + size,
            ImmutableMap.of("expected", size, "actual", read));
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "copy of " + file + " failed: " + io.imgtrust.core.IoErrors
          .describe(e), e);
    } catch (ImageTrustException e) {
      if (!reportFailures) {
        throw e;
      }
      failure = e;
    }
    return new CopyReport(writer.read, writer.written, chunks.size(), (System.nanoTime() - t0) / 1_000_000,
        failure);
  }
}
