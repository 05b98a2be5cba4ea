package io.imgtrust.core.digest;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Checks a file against known chunk digests (SHA-256 per {@link DigestPlan#CHUNK_SIZE}), chunks spread over all
 * cores, in one read. Stops at the first mismatch it sees (unless asked to read to the end) and then names the
 * lowest-offset bad chunk exactly (chunks before it that were not yet checked are checked one by one). The file is opened read-only without following a
 * symbolic link.
 */
final class ChunkVerifier {
  private final int lanes;

  private ChunkVerifier(int lanes) {
    this.lanes = lanes;
  }

  /** A verifier using every available core. */
  static ChunkVerifier create() {
    return new ChunkVerifier(Runtime.getRuntime().availableProcessors());
  }

  /**
   * Verifies {@code file} while {@code extra} (when not null, e.g. a writer) sees the same buffers in order. On a
   * mismatch the read stops and the lowest bad chunk is named; {@code extra} may have seen it. With {@code toTheEnd},
   * the read goes on to the end of the file (so {@code extra} sees every buffer) and the lowest bad chunk is named
   * afterwards.
   */
  long verifyWith(Path file, ImmutableList<HashCode> expected, Lane extra, boolean toTheEnd)
      throws ImageTrustException, IOException {
    ConcurrentSkipListSet<Long> bad = new ConcurrentSkipListSet<>();
    BitSet done = new BitSet();
    List<Lane> ls = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      ls.add(new CheckLane(i, lanes, expected, bad, done, !toTheEnd));
    }
    if (extra != null) {
      ls.add(extra);
    }
    long total;
    try (Holes.Opened f = Holes.open(file, false)) {
      FileChannel ch = f.channel;
      try {
        total = new FanOut(ls, DigestPlan.CHUNK_SIZE, 8).run(ch, f.holes);
      } catch (Mismatch m) {
        throw ChunkMismatch.at(file, firstBad(ch, expected, bad.first(), done));
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("chunk check failed: " + e, e);
      }
    }
    if (!bad.isEmpty()) {
      throw ChunkMismatch.at(file, bad.first());
    }
    long chunks = (total + DigestPlan.CHUNK_SIZE - 1) / DigestPlan.CHUNK_SIZE;
    if (chunks != expected.size()) {
      throw ImageTrustException.of(Reason.SIZE_MISMATCH, file + " has " + chunks + " chunks, the record "
          + expected.size(), ImmutableMap.of("actual_bytes", total));
    }
    return total;
  }

  private static long firstBad(FileChannel ch, ImmutableList<HashCode> expected, long seen, BitSet done)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(DigestPlan.CHUNK_SIZE);
    for (long i = 0; i < seen; i++) {
      synchronized (done) {
        if (done.get((int) i)) {
          continue;
        }
      }
      buf.clear();
      long pos = i * DigestPlan.CHUNK_SIZE;
      while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) >= 0) {
        // fill the chunk
      }
      buf.flip();
      MessageDigest md = HashAlgorithm.SHA256.newDigest();
      md.update(buf);
      if (!MessageDigest.isEqual(md.digest(), expected.get((int) i).asBytes())) {
        return i;
      }
    }
    return seen;
  }

  /** Thrown inside a lane to stop the read at the first mismatch. */
  private static final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;

    Mismatch() {
      super(null, null, false, false);
    }
  }

  private static final class CheckLane implements Lane {
    private final int lane;
    private final int lanes;
    private final ImmutableList<HashCode> expected;
    private final ConcurrentSkipListSet<Long> bad;
    private final BitSet done;
    private final boolean stop;
    private final MessageDigest md = HashAlgorithm.SHA256.newDigest();

    CheckLane(int lane, int lanes, ImmutableList<HashCode> expected, ConcurrentSkipListSet<Long> bad, BitSet done,
        boolean stop) {
      this.stop = stop;
      this.lane = lane;
      this.lanes = lanes;
      this.expected = expected;
      this.bad = bad;
      this.done = done;
    }

    @Override
    public boolean wants(long index) {
      return index % lanes == lane;
    }

    @Override
    public void accept(long index, ByteBuffer data) throws Mismatch {
      check(index, ZeroChunks.leaf(data, md));
    }

    @Override
    public void acceptHole(long index, int length) throws Mismatch {
      check(index, ZeroChunks.holeLeaf(length, md));
    }

    private void check(long index, byte[] got) throws Mismatch {
      if (index >= expected.size() || !MessageDigest.isEqual(got, expected.get((int) index).asBytes())) {
        if (index < expected.size()) {
          bad.add(index);
          if (stop) {
            throw new Mismatch();
          }
        }
        return;
      }
      synchronized (done) {
        done.set((int) index);
      }
    }

    @Override
    public void finish() {}
  }
}
