package io.imgtrust.core.digest;

/** What a verified copy did. Immutable. */
public final class CopyReport {
  private final long bytesVerified;
  private final long bytesWritten;
  private final int chunks;
  private final long millis;

  CopyReport(long bytesVerified, long bytesWritten, int chunks, long millis) {
    this.bytesVerified = bytesVerified;
    this.bytesWritten = bytesWritten;
    this.chunks = chunks;
    this.millis = millis;
  }

  /** Bytes read from the cache file and compared with the record. */
  public long bytesVerified() {
    return bytesVerified;
  }

  /** Bytes handed to the sink; the rest were all-zero blocks the target reads as zeros anyway. */
  public long bytesWritten() {
    return bytesWritten;
  }

  public int chunks() {
    return chunks;
  }

  public long millis() {
    return millis;
  }
}
