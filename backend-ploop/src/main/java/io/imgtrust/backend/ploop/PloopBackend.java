package io.imgtrust.backend.ploop;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskBuild;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.Publication;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.VerifiedImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *       copy verified and the image, the descriptor and the directory were fsynced ({@link DiskBuild}); the rename is
 *       {@code renameat2(RENAME_NOREPLACE)}, so even an empty directory made in the window is never replaced; a crash
 *       never leaves something that looks like a verified disk.
 *   <li>On any failure (verification, I/O, no space) the temporary directory is removed, and the instance directory
 *       too if this call created it and it is empty; {@code DIGEST_MISMATCH} and {@code SIZE_MISMATCH} quarantine the
 *       cache entry. An existing {@code <d>.ploop} is never overwritten ({@code TARGET_EXISTS}).
 *   <li>Concurrent prepares for different instances are safe; prepares and removes of one disk are serialized by its
 *       lock, and a prepare removes the temporaries an interrupted earlier prepare of the same disk left.
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
    DiskBuild build = DiskBuild.of(ctx, r.instance(), ploopName(r.disk()), IMPORT, Publication.directory());
    CopyReport report = build.run(tmp -> {
      Files.createDirectory(tmp);
      return build(tmp, imp, g);
    });
    return prepared(build.target(), imp, report, g);
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

  private PreparedDisk prepared(Path target, VerifiedImport imp, CopyReport report, ParallelsGeometry g) {
    Path image = target.resolve(DiskDescriptor.IMAGE_FILE);
    Map<String, Object> rep = new LinkedHashMap<>(imp.report(report));
    rep.put("format", format.toString());
    rep.put("virtual_size", g.virtualBytes());
    return PreparedDisk.of(DiskXml.file(image, format.libvirtType(), "vda"), image.toString(), rep);
  }

  @Override
  public void beforeBoot(String domainXml) {
    // The disk is a private copy verified at import; the cache plays no part after that.
  }

  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, disk);
    DiskBuild.of(ctx, instance, ploopName(disk), IMPORT, Publication.directory()).remove();
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
