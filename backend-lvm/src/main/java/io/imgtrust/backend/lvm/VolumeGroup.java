package io.imgtrust.backend.lvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.math.LongMath;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import java.io.IOException;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One volume group, driven through lvm2's command line ({@code vgs}, {@code lvs}, {@code lvcreate}, {@code lvrename},
 * {@code lvremove}, found on {@code PATH}) with argument lists and JSON reports in bytes. Every failing command is
 * {@code IO_ERROR} naming the tool, its exit status and what it said. Immutable and thread-safe (lvm2 serializes
 * changes to a group with its own lock).
 */
final class VolumeGroup {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> REPORT = List.of("--reportformat", "json", "--units", "b", "--nosuffix");

  private final String name;
  private final CommandRunner runner;

  VolumeGroup(String name, CommandRunner runner) {
    this.name = name;
    this.runner = runner;
  }

  String name() {
    return name;
  }

  /**
   * Creates the LV {@code lv} of at least {@code bytes}, rounded up to whole extents, after checking the group's
   * free space. lvm2 neither zeroes nor wipes it ({@code --zero n --wipesignatures n}): the import writes every byte.
   *
   * @throws ImageTrustException {@code VOLUME_GROUP_FULL} (nothing created) or {@code IO_ERROR}
   */
  LogicalVolume create(String lv, long bytes) throws ImageTrustException {
    JsonNode vg = report("vgs", "vg", List.of("-o", "vg_extent_size,vg_free", name)).get(0);
    long extent = vg.path("vg_extent_size").asLong();
    long free = vg.path("vg_free").asLong();
    long size = LongMath.divide(Math.max(bytes, 1), extent, RoundingMode.CEILING) * extent;
    if (size > free) {
      throw ImageTrustException.of(Reason.VOLUME_GROUP_FULL, "volume group " + name + " has " + free
          + " bytes free; logical volume " + lv + " needs " + size + " (" + bytes + " rounded up to " + extent
          + "-byte extents); nothing was created", ImmutableMap.of("volume_group", name, "needed_bytes", size,
          "free_bytes", free));
    }
    run(List.of("lvcreate", "-y", "--zero", "n", "--wipesignatures", "n", "-n", lv, "-L", size + "b", name));
    return find(lv).orElseThrow(() -> ImageTrustException.of(Reason.IO_ERROR, "lvcreate made no " + name + "/" + lv));
  }

  /** The group's LVs. */
  ImmutableList<LogicalVolume> volumes() throws ImageTrustException {
    ImmutableList.Builder<LogicalVolume> b = ImmutableList.builder();
    for (JsonNode lv : report("lvs", "lv", List.of("-o", "lv_name,lv_path,lv_size", name))) {
      b.add(new LogicalVolume(lv.path("lv_name").asText(), Path.of(lv.path("lv_path").asText()),
          lv.path("lv_size").asLong()));
    }
    return b.build();
  }

  Optional<LogicalVolume> find(String lv) throws ImageTrustException {
    return volumes().stream().filter(v -> v.name.equals(lv)).findFirst();
  }

  /** Renames {@code lv} to {@code to} (lvm2 refuses an existing name) and returns it as {@code lvs} now reports it. */
  LogicalVolume rename(LogicalVolume lv, String to) throws ImageTrustException {
    run(List.of("lvrename", name, lv.name, to));
    return find(to).orElseThrow(() -> ImageTrustException.of(Reason.IO_ERROR, "lvrename left no " + name + "/" + to));
  }

  /** Activates {@code lv} ({@code lvchange -ay}), so that its device exists (e.g. one left by a killed lvcreate). */
  void activate(LogicalVolume lv) throws ImageTrustException {
    run(List.of("lvchange", "-ay", name + "/" + lv.name));
  }

  /** Removes {@code lv} (forced: an active LV is removed without a question). */
  void remove(LogicalVolume lv) throws ImageTrustException {
    run(List.of("lvremove", "-f", name + "/" + lv.name));
  }

  private CommandResult run(List<String> argv) throws ImageTrustException {
    return runner.runChecked(argv, TIMEOUT);
  }

  private JsonNode report(String tool, String kind, List<String> args) throws ImageTrustException {
    CommandResult r = run(ImmutableList.<String>builder().add(tool).addAll(REPORT).addAll(args).build());
    try {
      JsonNode rows = JSON.readTree(r.stdout()).path("report").path(0).path(kind);
      if (!rows.isArray() || (kind.equals("vg") && rows.isEmpty())) {
        throw new IOException("no " + kind + " rows");
      }
      return rows;
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, tool + " gave an unexpected report for volume group " + name
          + ": " + e.getMessage(), e);
    }
  }
}
