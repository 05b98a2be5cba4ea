package io.imgtrust.core.spi;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A test-only backend ({@code images_type = test-copy}) that copies the cache file into
 * {@code <instances_path>/<instance>/disk} through {@link VerifiedImport}: it exists to run the contract test against the core
 * alone. The real import backends live in their own modules.
 */
public final class TestCopyBackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "test-copy";
  }

  @Override
  public ImageBackend create(BackendContext context) {
    return new Copy(context);
  }

  private static final class Copy implements ImageBackend {
    private final BackendContext ctx;

    Copy(BackendContext ctx) {
      this.ctx = ctx;
    }

    private Path dir(String instance) {
      return ctx.config().path(io.imgtrust.core.config.Key.INSTANCES_PATH).resolve(instance);
    }

    @Override
    public PreparedDisk prepare(SpawnRequest r) throws ImageTrustException {
      VerifiedImport imp = VerifiedImport.begin(ctx, r);
      Path target = dir(r.instance()).resolve(r.disk());
      Path tmp = AtomicFiles.tempSibling(target, "import");
      CopyReport report;
      try {
        Files.createDirectories(target.getParent());
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          report = imp.into((data, offset) -> {
            while (data.hasRemaining()) {
              offset += out.write(data, offset);
            }
          });
          out.force(true);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return PreparedDisk.of("<disk type='file' device='disk'><source file='" + target + "'/></disk>",
            target.toString(), imp.report(report));
      } catch (ImageTrustException ex) {
        cleanUp(tmp, target.getParent());
        throw ex;
      } catch (IOException ex) {
        cleanUp(tmp, target.getParent());
        throw ImageTrustException.wrap(Reason.IO_ERROR, "import failed: " + ex, ex);
      }
    }

    private static void cleanUp(Path tmp, Path dir) {
      try {
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // best effort in a test double
      }
    }

    @Override
    public void beforeBoot(String domainXml) {}

    @Override
    public void remove(String instance, String disk) throws ImageTrustException {
      try {
        Files.deleteIfExists(dir(instance).resolve(disk));
        Files.deleteIfExists(dir(instance));
      } catch (IOException ex) {
        throw ImageTrustException.wrap(Reason.IO_ERROR, "remove failed", ex);
      }
    }

    @Override
    public String describe() {
      return "test-copy";
    }
  }
}
