package io.imgtrust.core.digest;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Computes every digest of a {@link DigestPlan} in a single read, with the JDK's {@link MessageDigest}.
 *
 * <p>Each whole-file digest runs on its own thread; chunk leaves are spread over as many threads as there are
 * cores. Reading overlaps with hashing. Thread-safe: each call uses its own threads and buffers.
 *
 * <p><b>Warning:</b> a file that changes while it is read produces digests of neither version; callers that care
 * compare {@link ImageDigests#bytesHashed()} and the file identity before and after.
 */
public final class ImageDigester {
  private static final int SLOTS = 8;

  private final int chunkLanes;

  private ImageDigester(int chunkLanes) {
    checkArgument(chunkLanes > 0, "chunkLanes");
    this.chunkLanes = chunkLanes;
  }

  /**
   * Loads the native bridge that digests of large files use to find holes (about 0.1 s), so that the first such
   * digest does not wait for it. Optional: a start-up optimisation for a spare thread; any failure is left for the
   * digest itself to meet.
   */
  public static void preload() {
    Holes.preload();
  }

  /** A digester using every available core for chunk leaves. */
  public static ImageDigester create() {
    return new ImageDigester(Runtime.getRuntime().availableProcessors());
  }

  /** A digester using {@code chunkLanes} threads for chunk leaves. */
  public static ImageDigester withChunkLanes(int chunkLanes) {
    return new ImageDigester(chunkLanes);
  }

  /**
   * Digests a file, opened read-only without following a final symbolic link. The file is memory-mapped (no reader
   * copy), so a file that shrinks meanwhile fails with an {@link java.io.IOException}.
   */
  public ImageDigests digest(Path file, DigestPlan plan) throws java.io.IOException {
    try (Holes.Opened f = Holes.open(file, false)) {
      return run(plan, List.of(), fan -> fan.runMapped(f.channel, f.holes));
    }
  }

  /**
   * Digests {@code source} (a final symbolic link is followed) and writes the same bytes into {@code sink}, which reads
   * never-written blocks as zeros (e.g. a new {@code FileSink}): all-zero blocks of {@link ImageSink#zeroBlockSize}
   * are left out, and holes of the source are neither read nor written. In one read; writing overlaps with hashing.
   * The caller finishes the sink (size, fsync).
   */
  public ImageDigests digestInto(Path source, DigestPlan plan, ImageSink sink, CopyProgress progress, long total)
      throws java.io.IOException {
    try (Holes.Opened f = Holes.open(source, true)) {
      return run(plan, List.of(new SinkLane(sink, total, progress)), fan -> fan.run(f.channel, f.holes));
    }
  }

  /**
   * Like {@link #digestInto(Path, DigestPlan, ImageSink, CopyProgress, long)} for a stream (a download): every byte
   * is read and hashed; all-zero blocks of {@link ImageSink#zeroBlockSize} are not written.
   */
  public ImageDigests digestInto(ReadableByteChannel in, DigestPlan plan, ImageSink sink, CopyProgress progress,
      long total) throws java.io.IOException {
    return run(plan, List.of(new SinkLane(sink, total, progress)), fan -> fan.run(in, Holes.NONE));
  }

  /**
   * Digests everything {@code in} yields until its end. Does not close {@code in}. An interrupt of the calling
   * thread ends the read with {@link java.io.InterruptedIOException}, keeping the interrupt status.
   */
  public ImageDigests digest(ReadableByteChannel in, DigestPlan plan) throws java.io.IOException {
    return run(plan, List.of(), fan -> fan.run(in, Holes.NONE));
  }

  /** How a {@link FanOut} gets its bytes. */
  @FunctionalInterface
  private interface Source {
    long feed(FanOut fan) throws Exception;
  }

  private ImageDigests run(DigestPlan plan, List<Lane> extra, Source source) throws java.io.IOException {
    Map<HashAlgorithm, WholeLane> wholeLanes = new EnumMap<>(HashAlgorithm.class);
    List<Lane> lanes = new ArrayList<>();
    for (HashAlgorithm a : plan.whole()) {
      WholeLane lane = new WholeLane(a.newDigest());
      wholeLanes.put(a, lane);
      lanes.add(lane);
    }
    ConcurrentSkipListMap<Long, HashCode> leaves = new ConcurrentSkipListMap<>();
    if (plan.chunks()) {
      for (int i = 0; i < chunkLanes; i++) {
        lanes.add(new ChunkLane(i, chunkLanes, leaves));
      }
    }
    lanes.addAll(extra);
    long total;
    try {
      total = source.feed(new FanOut(lanes, DigestPlan.CHUNK_SIZE, SLOTS));
    } catch (java.io.IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException("digest failed: " + e, e);
    }
    ImmutableMap.Builder<HashAlgorithm, HashCode> whole = ImmutableMap.builder();
    wholeLanes.forEach((a, lane) -> whole.put(a, lane.result));
    return new ImageDigests(whole.build(), ImmutableList.copyOf(leaves.values()), total);
  }

  private static final class WholeLane implements Lane {
    private final MessageDigest md;
    HashCode result;

    WholeLane(MessageDigest md) {
      this.md = md;
    }

    @Override
    public boolean wants(long index) {
      return true;
    }

    @Override
    public void accept(long index, ByteBuffer data) {
      md.update(data);
    }

    @Override
    public void finish() {
      result = HashCode.fromBytes(md.digest());
    }
  }

  private static final class ChunkLane implements Lane {
    private final int lane;
    private final int lanes;
    private final Map<Long, HashCode> leaves;
    private final MessageDigest md = HashAlgorithm.SHA256.newDigest();

    ChunkLane(int lane, int lanes, Map<Long, HashCode> leaves) {
      this.lane = lane;
      this.lanes = lanes;
      this.leaves = leaves;
    }

    @Override
    public boolean wants(long index) {
      return index % lanes == lane;
    }

    @Override
    public void accept(long index, ByteBuffer data) {
      leaves.put(index, HashCode.fromBytes(ZeroChunks.leaf(data, md)));
    }

    @Override
    public void acceptHole(long index, int length) {
      leaves.put(index, HashCode.fromBytes(ZeroChunks.holeLeaf(length, md)));
    }

    @Override
    public void finish() {}
  }
}
