package io.imgtrust.backend.lvm;

import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway volume group for the ITs: real lvm2 on a loop-device PV over a sparse file, made and removed by
 * {@code scripts/lvm-emulation/loop-vg} (activation off, LV devices emulated; see that directory). Reads the PV at the
 * offsets lvm2's metadata gives, independently of the product. A missing lvm2 fails, never skips.
 */
final class LoopVg implements AutoCloseable {
  private static final AtomicInteger COUNT = new AtomicInteger();
  static final Path SCRIPTS = Path.of(System.getProperty("imgtrust.root", "..")).resolve("scripts/lvm-emulation");

  final String name;
  final Path file;
  final Path pv;

  private LoopVg(String name, Path file, Path pv) {
    this.name = name;
    this.file = file;
    this.pv = pv;
  }

  /** A new group of {@code mib} MiB backed by a file in {@code dir}. */
  static LoopVg create(Path dir, int mib) throws IOException {
    String name = "imgtrust_it_" + ProcessHandle.current().pid() + "_" + COUNT.incrementAndGet();
    Path file = dir.resolve(name + ".img");
    String pv = run(SCRIPTS.resolve("loop-vg").toString(), "up", name, Integer.toString(mib), file.toString());
    return new LoopVg(name, file, Path.of(pv));
  }

  /** Config lines that make the lvm backend use this group. */
  String config(String extra) {
    return "[libvirt]\nimages_volume_group = " + name + "\n" + extra;
  }

  /** The names of the group's LVs, as {@code lvs} reports them. */
  List<String> lvNames() throws IOException {
    String out = run("lvs", "--noheadings", "-o", "lv_name", name);
    return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Fills the PV's data area (past pe_start) with a repeating non-zero pattern: the previous tenant's data. */
  void fillWithPattern() throws IOException {
    long start = number("pvs", "-o", "pe_start", pv.toString());
    byte[] block = new byte[1 << 20];
    for (int i = 0; i < block.length; i++) {
      block[i] = (byte) (0xA5 ^ i);
    }
    try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
      long size = Files.size(file);
      for (long pos = start; pos < size; pos += block.length) {
        f.seek(pos);
        f.write(block, 0, (int) Math.min(block.length, size - pos));
      }
      f.getFD().sync();
    }
  }

  /** {@code length} bytes of LV {@code lv} from {@code offset}, read from the PV where lvm2's metadata puts them. */
  byte[] readThroughPv(String lv, long offset, int length) throws IOException {
    return readPv(offsetOnPv(lv) + offset, length);
  }

  /** Where LV {@code lv} starts on the PV: pe_start + its first PV extent * the extent size (one segment). */
  long offsetOnPv(String lv) throws IOException {
    String ranges = run("lvs", "--segments", "--noheadings", "-o", "seg_pe_ranges", name + "/" + lv);
    checkState(ranges.matches("\\S+:\\d+-\\d+"), "one segment expected: %s", ranges);
    long first = Long.parseLong(ranges.substring(ranges.lastIndexOf(':') + 1, ranges.lastIndexOf('-')));
    return number("pvs", "-o", "pe_start", pv.toString()) + first * number("vgs", "-o", "vg_extent_size", name);
  }

  /** {@code length} bytes of the PV from {@code offset}. */
  byte[] readPv(long offset, int length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "r")) {
      byte[] b = new byte[length];
      f.seek(offset);
      f.readFully(b);
      return b;
    }
  }

  @Override
  public void close() throws IOException {
    run(SCRIPTS.resolve("loop-vg").toString(), "down", name, file.toString());
  }

  private static long number(String... argv) throws IOException {
    List<String> a = new ArrayList<>(Arrays.asList(argv));
    a.addAll(List.of("--noheadings", "--units", "b", "--nosuffix"));
    return Long.parseLong(run(a.toArray(String[]::new)));
  }

  /** Runs a tool (with the test-only lvm.conf the ITs' environment names) and returns its stripped output. */
  static String run(String... argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      checkState(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "%s failed (exit %s): %s",
          String.join(" ", argv), p.exitValue(), out);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
