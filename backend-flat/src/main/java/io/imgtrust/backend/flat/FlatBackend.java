package io.imgtrust.backend.flat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.io.FileSink;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskBuild;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.Publication;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.VerifiedImport;
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
 * verification failure quarantines the cache entry. All-zero blocks are left as holes. Built through
 * {@link DiskBuild}: prepares and removes of one disk are serialized by its lock, and a prepare removes temporaries a
 * killed earlier prepare of the same disk left.
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
    DiskBuild build = DiskBuild.of(ctx, r.instance(), r.disk(), IMPORT, Publication.file());
    CopyReport report = build.run(tmp -> {
      try (FileSink sink = FileSink.create(tmp)) {
        CopyReport copied = imp.into(sink);
        sink.finish(size);
        return copied;
      }
    });
    Map<String, Object> rep = new LinkedHashMap<>(imp.report(report));
    rep.put("virtual_size", size);
    return PreparedDisk.of(DiskXml.file(build.target(), "raw", "vda"), build.target().toString(), rep);
  }

  @Override
  public void beforeBoot(String domainXml) {
    // The disk is a private copy verified at import; the cache plays no part after that.
  }

  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    DiskBuild.of(ctx, instance, disk, IMPORT, Publication.file()).remove();
  }

  @Override
  public String describe() {
    return "flat: sparse raw copies at " + instances + "/<instance>/disk";
  }
}
