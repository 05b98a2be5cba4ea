package io.imgtrust.backend.ploop;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.Temporaries;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.VerifiedImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ploop backend: the disk {@code <d>} of an instance (the root disk is {@code disk}) is the directory
 * {@code <instances_path>/<instance>/<d>.ploop/} holding {@code root.hds} and ploop's {@code DiskDescriptor.xml}.
 * With {@code [ploop] format = expanded} (the default) {@code root.hds} is a Parallels/ploop v2 image whose all-zero
 * 1 MiB clusters stay unallocated; with {@code raw} it is a sparse raw file. Either is written straight from the
 * verified copy of the cache entry, so every byte is checked against the entry's sealed record as it is written.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>The disk's virtual size is the requested size rounded up to whole 512-byte sectors, or the image's size when
 *       none is requested; a requested size below the image's is refused ({@code FLAVOR_TOO_SMALL}) before anything
 *       is created.
 *   <li>The directory is built as {@code .<d>.ploop.import-<random>} and renamed to {@code <d>.ploop} only after the
 *       copy verified and the image, the descriptor and the directory were fsynced; a crash never leaves something
 *       that looks like a verified disk.
 *   <li>On any failure (verification, I/O, no space) the temporary directory is removed, and the instance directory
 *       too if this call created it and it is empty; {@code DIGEST_MISMATCH} and {@code SIZE_MISMATCH} quarantine the
 *       cache entry. An existing {@code <d>.ploop} is never overwritten ({@code TARGET_EXISTS}).
 *   <li>Concurrent prepares for different instances are safe. One prepare per instance disk at a time: a prepare
 *       removes the temporaries an interrupted earlier prepare of the same disk left.
 * </ul>
 *
 * <p>{@link #beforeBoot} does nothing: the disk is a private copy, verified when it was made.
 */
public final class PloopBackend implements ImageBackend {
  private static final String IMPORT = "import";
  private final BackendContext ctx;
  private final Path instances;
  private final PloopFormat format;

  PloopBackend(BackendContext ctx, PloopFormat format) {
    this.ctx = ctx;
    this.instances = ctx.config().path(Key.INSTANCES_PATH);
    this.format = format;
  }

  @Override
  public PreparedDisk prepare(SpawnRequest r) throws ImageTrustException {
    VerifiedImport imp = VerifiedImport.begin(ctx, r);
    ParallelsGeometry g = geometry(imp);
    Path dir = instances.resolve(r.instance());
    Path target = dir.resolve(ploopName(r.disk()));
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw targetExists(target);
    }
    boolean madeDir = !Files.isDirectory(dir);
    Path tmp = AtomicFiles.tempSibling(target, IMPORT);
    try {
      Files.createDirectories(dir);
      Temporaries.removeStale(target, IMPORT);
      Files.createDirectory(tmp);
      CopyReport report = build(tmp, imp, g);
      publish(tmp, target);
      return prepared(target, imp, report, g);
    } catch (IOException e) {
      Temporaries.undo(tmp, dir, madeDir);
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot make " + target + ": " + IoErrors.describe(e), e);
    } catch (ImageTrustException | RuntimeException e) {
      Temporaries.undo(tmp, dir, madeDir);
      throw e;
    }
  }

  /** The geometry of the disk {@code r} asks for; refuses sizes below the image's or beyond the format's reach. */
  private static ParallelsGeometry geometry(VerifiedImport imp) throws ImageTrustException {
    long size = ParallelsGeometry.roundToSector(imp.targetSize());
    if (!ParallelsGeometry.fits(size)) {
      throw ImageTrustException.of(Reason.IO_ERROR, "a ploop disk of " + size + " bytes exceeds the Parallels format's"
          + " limit of " + ParallelsGeometry.MAX_BAT_ENTRIES + " clusters", ImmutableMap.of("requested", size));
    }
    return ParallelsGeometry.of(size);
  }

  /** Fills the temporary directory: the verified {@code root.hds}, then the descriptor, all fsynced. */
  private CopyReport build(Path tmp, VerifiedImport imp, ParallelsGeometry g) throws IOException,
      ImageTrustException {
    CopyReport report;
    try (RootImage image = format.create(tmp.resolve(DiskDescriptor.IMAGE_FILE), g)) {
      report = imp.into(image);
      image.finish();
    }
    byte[] xml = DiskDescriptor.xml(g, format).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.create(tmp.resolve(DiskDescriptor.FILE_NAME), xml, "rw-r--r--");
    AtomicFiles.fsyncDirectory(tmp);
    return report;
  }

  /** Renames the finished directory to its final name and makes the rename durable. */
  private static void publish(Path tmp, Path target) throws IOException, ImageTrustException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileSystemException e) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw targetExists(target);
      }
      throw e;
    }
    AtomicFiles.fsyncDirectory(target.getParent());
  }

  private PreparedDisk prepared(Path target, VerifiedImport imp, CopyReport report, ParallelsGeometry g) {
    Path image = target.resolve(DiskDescriptor.IMAGE_FILE);
    Map<String, Object> rep = new LinkedHashMap<>(imp.report(report));
    rep.put("format", format.toString());
    rep.put("virtual_size", g.virtualBytes());
    return PreparedDisk.of(DiskXml.file(image, format.libvirtType(), "vda"), image.toString(), rep);
  }

  private static ImageTrustException targetExists(Path target) {
    return ImageTrustException.of(Reason.TARGET_EXISTS, "instance disk " + target + " already exists",
        ImmutableMap.of("target", target.toString()));
  }

  @Override
  public void beforeBoot(String domainXml) {
    // The disk is a private copy verified at import; the cache plays no part after that.
  }

  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, disk);
    Path dir = instances.resolve(instance);
    Path target = dir.resolve(ploopName(disk));
    try {
      Temporaries.deleteTree(target);
      Temporaries.removeStale(target, IMPORT);
      Temporaries.removeIfEmpty(dir);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot remove " + target + ": " + IoErrors.describe(e), e);
    }
  }

  @Override
  public String describe() {
    return "ploop (" + format + "): " + instances + "/<instance>/disk.ploop/" + DiskDescriptor.IMAGE_FILE;
  }

  /** The directory of disk {@code disk}: {@code disk.ploop} for the root disk. */
  static String ploopName(String disk) {
    return disk + ".ploop";
  }
}
