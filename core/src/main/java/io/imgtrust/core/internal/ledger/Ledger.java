package io.imgtrust.core.internal.ledger;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.ledger.LedgerRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sealed records, one per cache file, in one directory ({@code _base/.imgtrust}). Writes are atomic (temporary file,
 * fsync, rename, fsync of the directory). A record that does not parse or whose seal fails under the host key is
 * treated as absent (and logged). Thread-safe; callers serialise writers of one record with the cache's locks.
 */
public final class Ledger {
  private static final Logger log = LoggerFactory.getLogger(Ledger.class);
  /** Bounds a record read; a 4 TiB image (1 Mi chunks, hex leaves) needs about 70 MiB. */
  private static final int MAX_BYTES = 128 << 20;
  private static final String SUFFIX = ".json";

  private final Path dir;
  private final RecordCodec codec;

  private Ledger(Path dir, RecordCodec codec) {
    this.dir = dir;
    this.codec = codec;
  }

  /**
   * Initialises what reading the first sealed record meets (the HMAC's security providers, the timestamp parser), so
   * that a spare thread can do it early. Purely an optimisation.
   */
  public static void preload() {
    HostKey.preload();
    RecordCodec.preload();
  }

  /** The ledger in {@code dir} (created 0700 if missing), sealed with {@code key}. */
  public static Ledger open(Path dir, HostKey key) throws ImageTrustException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot create " + dir + ": " + IoErrors.describe(e), e);
    }
    return new Ledger(dir, new RecordCodec(key));
  }

  /** The file holding the record of cache file {@code name}. */
  public Path pathOf(String name) {
    return dir.resolve(name + SUFFIX);
  }

  /** The sealed record of cache file {@code name}; empty when missing, unreadable, malformed or its seal fails. */
  public Optional<LedgerRecord> read(String name) {
    Path f = pathOf(name);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn("record {} unreadable ({}); treated as absent", f, IoErrors.describe(e));
      return Optional.empty();
    }
    LedgerRecord r = codec.decode(bytes);
    if (r == null || !r.cacheFile().equals(name)) {
      log.warn("record {} fails its seal or is malformed; treated as absent", f);
      return Optional.empty();
    }
    return Optional.of(r);
  }

  /** Writes (replaces) the record of {@code r.cacheFile()} atomically. */
  public void write(LedgerRecord r) throws ImageTrustException {
    byte[] bytes = codec.encode(r);
    if (bytes.length > MAX_BYTES) {
      throw ImageTrustException.of(Reason.IO_ERROR, "image " + r.imageId() + " (" + r.size() + " bytes) is too large "
          + "for a ledger record (" + bytes.length + " > " + MAX_BYTES + " bytes)");
    }
    try {
      AtomicFiles.write(pathOf(r.cacheFile()), bytes, "rw-r--r--");
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR,
          "cannot write record " + pathOf(r.cacheFile()) + ": " + IoErrors.describe(e), e);
    }
  }

  /** Removes the record of {@code name}, if any. */
  public void delete(String name) throws ImageTrustException {
    try {
      Files.deleteIfExists(pathOf(name));
      AtomicFiles.fsyncDirectory(dir);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot remove record of " + name, e);
    }
  }

  /** Names of the cache files that have a record file (sealed or not). */
  public ImmutableList<String> names() throws ImageTrustException {
    ImmutableList.Builder<String> out = ImmutableList.builder();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".")) {
          out.add(n.substring(0, n.length() - SUFFIX.length()));
        }
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot list " + dir + ": " + IoErrors.describe(e), e);
    }
    return ImmutableList.sortedCopyOf(out.build());
  }
}
