package io.imgtrust.backend.lvm;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskBuild;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.Publication;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.VerifiedImport;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lvm backend: the instance disk is the logical volume {@code <instance>_<disk>} in {@code [libvirt]
 * images_volume_group}, handed to libvirt as a raw block device at the {@code lv_path} lvm2 reports.
 *
 * <p>Guarantees: the LV is created as {@code <instance>_<disk>.import-<random>}, sized to the requested size or the
 * image's (whichever is larger) rounded up to whole extents, only after the group's free space was checked
 * ({@code VOLUME_GROUP_FULL}, nothing created); every byte of it is written or zeroed (zero runs of the image and the
 * tail past it included: an LV holds the extents' old data), the device is flushed, and only then is it renamed to
 * its final name. On any failure the temporary LV is cleared ({@code volume_clear}) and removed; a verification
 * failure quarantines the cache entry. An existing disk is never overwritten ({@code TARGET_EXISTS}). A prepare
 * first clears and removes temporaries a killed prepare of the same disk left. {@link #remove} clears the LV as
 * {@code volume_clear} and {@code volume_clear_size} say, then removes it. Prepares and removes of one disk are
 * serialized by the disk's lock ({@link DiskBuild#locked}). Thread-safe.
 */
public final class LvmBackend implements ImageBackend {
  private static final Logger log = LoggerFactory.getLogger(LvmBackend.class);
  private static final String IMPORT = ".import-";

  private final BackendContext ctx;
  private final LvmSettings settings;
  private final VolumeGroup vg;

  LvmBackend(BackendContext ctx, LvmSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
    this.vg = new VolumeGroup(settings.volumeGroup, ctx.runner());
  }

  @Override
  public PreparedDisk prepare(SpawnRequest r) throws ImageTrustException {
    VerifiedImport imp = VerifiedImport.begin(ctx, r);
    long size = imp.targetSize();
    String name = lvName(r.instance(), r.disk());
    return lock(r.instance(), r.disk()).locked(() -> {
      List<LogicalVolume> existing = vg.volumes();
      removeTemporaries(existing, name);
      if (existing.stream().anyMatch(v -> v.name.equals(name))) {
        throw ImageTrustException.of(Reason.TARGET_EXISTS, "logical volume " + vg.name() + "/" + name
            + " already exists", Map.of("target", vg.name() + "/" + name));
      }
      LogicalVolume tmp = vg.create(name + IMPORT + Long.toHexString(ThreadLocalRandom.current().nextLong()), size);
      try {
        CopyReport copied = write(imp, tmp);
        LogicalVolume lv = vg.rename(tmp, name);
        Map<String, Object> rep = new LinkedHashMap<>(imp.report(copied));
        rep.put("virtual_size", lv.size);
        rep.put("logical_volume", vg.name() + "/" + lv.name);
        return PreparedDisk.of(DiskXml.block(lv.path, "vda"), lv.path.toString(), rep);
      } catch (ImageTrustException | IOException | RuntimeException e) {
        discard(tmp, e);
        throw e;
      }
    });
  }

  @Override
  public void beforeBoot(String domainXml) {
    // The LV is a private copy verified at import; the cache plays no part after that.
  }

  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    String name = lvName(instance, disk);
    lock(instance, disk).locked(() -> {
      for (LogicalVolume lv : vg.volumes()) {
        if (lv.name.equals(name) || isTemporary(lv.name, name)) {
          clearAndRemove(lv);
        }
      }
      return null;
    });
  }

  @Override
  public String describe() {
    return "lvm: logical volumes <instance>_<disk> in volume group " + vg.name() + " (volume_clear = "
        + settings.clear.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  static String lvName(String instance, String disk) {
    return instance + "_" + disk;
  }

  private static boolean isTemporary(String lv, String name) {
    return lv.startsWith(name + IMPORT) && lv.substring(name.length() + IMPORT.length()).matches("[0-9a-f]{1,16}");
  }

  private static CopyReport write(VerifiedImport imp, LogicalVolume lv) throws IOException, ImageTrustException {
    try (BlockDevice device = BlockDevice.open(lv.path);
        BlockSink sink = new BlockSink(device)) {
      CopyReport copied = imp.into(sink);
      sink.finish(lv.size);
      return copied;
    }
  }

  private DiskBuild lock(String instance, String disk) throws ImageTrustException {
    return DiskBuild.of(ctx, instance, disk, "lvm", Publication.file());
  }

  private void removeTemporaries(List<LogicalVolume> existing, String name) throws IOException, ImageTrustException {
    for (LogicalVolume lv : existing) {
      if (isTemporary(lv.name, name)) {
        log.warn("removing {}/{}, left by an interrupted import", vg.name(), lv.name);
        clearAndRemove(lv);
      }
    }
  }

  private void clearAndRemove(LogicalVolume lv) throws IOException, ImageTrustException {
    if (settings.clear != VolumeClear.NONE && !Files.exists(lv.path)) {
      vg.activate(lv);
    }
    settings.clear.apply(lv, settings.clearBytes, ctx.runner());
    vg.remove(lv);
  }

  private void discard(LogicalVolume tmp, Exception cause) {
    try {
      clearAndRemove(tmp);
    } catch (IOException | ImageTrustException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
