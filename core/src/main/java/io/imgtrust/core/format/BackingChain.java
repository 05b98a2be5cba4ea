package io.imgtrust.core.format;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The backing chain of an image: the image itself first, its base last. Immutable and thread-safe.
 *
 * <p>{@link #read} follows a qcow2 image's backing files the way qemu would open them, but opens nothing qemu would
 * not, trusts no name or format it finds, and refuses every chain that could make the hypervisor read a file outside
 * the allowed directories or interpret a file differently from what was checked.
 *
 * <p><b>Guarantees:</b>
 * <ul>
 *   <li>Every file is opened read-only; each backing file only after its name was resolved to a real path (all
 *       symlinks followed) that lies inside an allowed directory, and then with {@code NOFOLLOW_LINKS}. Nothing is
 *       ever opened for writing, so no dirty bit or {@code in_use} mark changes.
 *   <li>Only headers are read, in bounded pieces (at most one 2 MiB cluster per link), and at most
 *       {@code maxDepth + 1} files are opened: bounded time and memory for any file content.
 *   <li>A refusal is an {@link ImageTrustException}: {@code UNTRUSTED_BACKING_FILE} for a backing file outside the
 *       allowed directories, {@code UNSAFE_IMAGE} for everything else about the content (its message says what and
 *       its details name the {@code file}), {@code FILE_UNREADABLE} for the top image or a permission problem. No
 *       other exception type escapes for any file content.
 *   <li>Formats are never probed: the top's format is the caller's, each backing file's comes from the backing-format
 *       header extension and must agree with the format its own header shows.
 * </ul>
 *
 * <p><b>Relative names</b> are resolved as qemu and libvirt resolve them: against the directory of the path by which
 * the naming image was reached (for the top, {@code top} as given, made absolute), before any symlink is followed;
 * the combined path is then resolved to its real path. So an overlay reached through a symlink in another directory
 * names files beside the symlink, exactly as {@code qemu-img info --backing-chain} sees it.
 *
 * <p><b>Warning:</b> a chain describes the files at the time they were read. Use it to decide whether to boot, pin
 * the formats it reports ({@code <backingStore>} / {@code -F}), and read it again before the next boot.
 */
public final class BackingChain {
  /** The depth callers use unless configured otherwise: the top plus at most 8 backing files. */
  public static final int DEFAULT_MAX_DEPTH = 8;

  private final ImmutableList<Link> links;

  BackingChain(List<Link> links) {
    checkArgument(!links.isEmpty(), "a chain has a top");
    this.links = ImmutableList.copyOf(links);
  }

  /**
   * Reads and checks the chain starting at {@code top}, whose format the caller pins to {@code topFormat}.
   *
   * <p>{@code topFormat} must be QCOW2 or RAW (ISO counts as RAW); RAW ends the chain. A RAW top is not probed (its
   * first bytes belong to the guest); a QCOW2 top must have the qcow2 magic. The top need not lie in an allowed
   * directory; it may be a live overlay, so its dirty bit (lazy refcounts) is accepted.
   *
   * <p>Refused with {@code UNSAFE_IMAGE} (the message says what): a backing name that is empty, {@code json:}, has a
   * protocol prefix ({@code proto:} before the first {@code /}), or is not valid UTF-8; a backing file without the
   * backing-format extension; a backing format other than {@code raw} or {@code qcow2}; an external data file
   * (incompatible bit 2 or the data-file extension) or an unknown incompatible feature bit (5..63) anywhere; a corrupt
   * image anywhere; a dirty or encrypted backing file; more than {@code maxDepth} backing files; a loop (the same real
   * file twice); a backing file that does not exist or is not a regular file; a backing file whose format, detected
   * from its header, differs from the declared backing format; a malformed header anywhere.
   *
   * <p>Refused with {@code UNTRUSTED_BACKING_FILE} naming the file: a backing file whose real path is not inside the
   * real path of one of {@code allowedDirs} (directories that do not exist allow nothing).
   *
   * @param maxDepth the most backing files allowed below the top (not counting the top); {@link #DEFAULT_MAX_DEPTH}
   * @return the chain, top first
   */
  public static BackingChain read(Path top, ImageFormat topFormat, List<Path> allowedDirs, int maxDepth)
      throws ImageTrustException {
    checkNotNull(top, "top");
    checkNotNull(topFormat, "topFormat");
    checkNotNull(allowedDirs, "allowedDirs");
    checkArgument(maxDepth >= 0, "maxDepth %s < 0", maxDepth);
    return new ChainReader(allowedDirs, maxDepth).read(top, topFormat);
  }

  /** All links, the top first and the last base last. */
  public ImmutableList<Link> links() {
    return links;
  }

  /** The image the chain was read from. */
  public Link top() {
    return links.get(0);
  }

  /** The links after the top, nearest first; empty when the top has no backing file. */
  public ImmutableList<Link> backingFiles() {
    return links.subList(1, links.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackingChain && links.equals(((BackingChain) o).links);
  }

  @Override
  public int hashCode() {
    return links.hashCode();
  }

  @Override
  public String toString() {
    return "BackingChain" + links;
  }

  /** One image of a chain, as its header describes it. Immutable. */
  public static final class Link {
    private final Path path;
    private final ImageFormat format;
    private final Optional<String> backingName;
    private final Optional<ImageFormat> backingFormat;
    private final long virtualSize;
    private final int qcow2Version;

    Link(Path path, ImageFormat format, Optional<String> backingName, Optional<ImageFormat> backingFormat,
        long virtualSize, int qcow2Version) {
      this.path = checkNotNull(path);
      this.format = checkNotNull(format);
      this.backingName = checkNotNull(backingName);
      this.backingFormat = checkNotNull(backingFormat);
      checkArgument(virtualSize >= 0, "negative virtual size");
      this.virtualSize = virtualSize;
      this.qcow2Version = qcow2Version;
    }

    /** The real path (absolute, no symlinks) of the file that was read. */
    public Path path() {
      return path;
    }

    /** How qemu reads the file: QCOW2 or RAW. */
    public ImageFormat format() {
      return format;
    }

    /** The backing file name as written in the header; untrusted text, for display. Empty at the end of a chain. */
    public Optional<String> backingName() {
      return backingName;
    }

    /** The backing format from the header extension (QCOW2 or RAW); present exactly when {@link #backingName} is. */
    public Optional<ImageFormat> backingFormat() {
      return backingFormat;
    }

    /** The guest-visible size in bytes: the qcow2 header's size, or a raw file's length. */
    public long virtualSize() {
      return virtualSize;
    }

    /** 2 or 3 for qcow2, 0 for raw. */
    public int qcow2Version() {
      return qcow2Version;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Link)) {
        return false;
      }
      Link l = (Link) o;
      return path.equals(l.path) && format == l.format && backingName.equals(l.backingName)
          && backingFormat.equals(l.backingFormat) && virtualSize == l.virtualSize && qcow2Version == l.qcow2Version;
    }

    @Override
    public int hashCode() {
      return Objects.hash(path, format, backingName, backingFormat, virtualSize, qcow2Version);
    }

    @Override
    public String toString() {
      return MoreObjects.toStringHelper(this)
          .omitNullValues()
          .add("path", path)
          .add("format", format)
          .add("backingName", backingName.orElse(null))
          .add("backingFormat", backingFormat.orElse(null))
          .add("virtualSize", virtualSize)
          .add("qcow2Version", qcow2Version == 0 ? null : qcow2Version)
          .toString();
    }
  }
}
