package io.imgtrust.backend.flat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.FileSink;
import io.imgtrust.core.io.Temporaries;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.VerifiedImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flat backend: the instance disk is {@code <instances_path>/<instance>/<disk>}, a sparse raw file holding the
 * image verified while it was copied, grown to the requested size.
 *
 * <p>Guarantees: the disk appears under its name only after every chunk verified and the file was fsynced (it is
 * built as {@code .<disk>.import-<random>} and renamed); on any failure nothing is left (temporary removed, the
 * instance directory too if this call made it); an existing disk is never overwritten ({@code TARGET_EXISTS}); a
 * verification failure quarantines the cache entry. All-zero blocks are left as holes. One prepare per instance disk
 * at a time; a prepare removes temporaries a killed earlier prepare of the same disk left.
 */
public final class FlatBackend implements ImageBackend {
  private static final String IMPORT = "import";
  private final BackendContext ctx;
  private final Path instances;

  FlatBackend(BackendContext ctx) {
    this.ctx = ctx;
    this.instances = ctx.config().path(Key.INSTANCES_PATH);
  }

  @Override
  public PreparedDisk prepare(SpawnRequest r) throws ImageTrustException {
    VerifiedImport imp = VerifiedImport.begin(ctx, r);
    long size = imp.targetSize();
    Path dir = instances.resolve(r.instance());
    Path target = dir.resolve(r.disk());
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw ImageTrustException.of(Reason.TARGET_EXISTS, "instance disk " + target + " already exists");
    }
    boolean madeDir = !Files.isDirectory(dir);
    Path tmp = AtomicFiles.tempSibling(target, IMPORT);
    try {
      Files.createDirectories(dir);
      Temporaries.removeStale(target, IMPORT);
      CopyReport report;
      try (FileSink sink = FileSink.create(tmp)) {
        report = imp.into(sink);
        sink.finish(size);
      }
      AtomicFiles.publishNoReplace(tmp, target);
      Map<String, Object> rep = new LinkedHashMap<>(imp.report(report));
      rep.put("virtual_size", size);
      return PreparedDisk.of(DiskXml.file(target, "raw", "vda"), target.toString(), rep);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      Temporaries.undo(tmp, dir, false);
      throw ImageTrustException.of(Reason.TARGET_EXISTS, "instance disk " + target + " appeared meanwhile; kept");
    } catch (IOException e) {
      Temporaries.undo(tmp, dir, madeDir);
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot make " + target + ": " + IoErrors.describe(e), e);
    } catch (ImageTrustException | RuntimeException e) {
      Temporaries.undo(tmp, dir, madeDir);
      throw e;
    }
  }

  @Override
  public void beforeBoot(String domainXml) {
    // The disk is a private copy verified at import; the cache plays no part after that.
  }

  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, disk);
    Path dir = instances.resolve(instance);
    try {
      Files.deleteIfExists(dir.resolve(disk));
      Temporaries.removeStale(dir.resolve(disk), IMPORT);
      Temporaries.removeIfEmpty(dir);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot remove " + dir.resolve(disk) + ": "
          + IoErrors.describe(e), e);
    }
  }

  @Override
  public String describe() {
    return "flat: sparse raw copies at " + instances + "/<instance>/disk";
  }
}
