package io.imgtrust.core.format;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandRunner;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Decides whether a downloaded image may be converted and cached: the one place that runs every format check, in
 * an order where nothing reads the file with qemu before the pure-Java checks passed.
 *
 * <ol>
 *   <li>Glance's {@code disk_format} must be in {@code [image_cache] allowed_disk_formats}; since the real format
 *       must then match it ({@code FORMAT_MISMATCH}), the list bounds both.
 *   <li>{@link FormatInspector#requireSafe}: the real format, headers, backing and data files, VMDK type and extents.
 *   <li>The virtual size the inspector found must not exceed {@code [image_cache] max_virtual_size}.
 *   <li>A second, independent opinion: {@code qemu-img info} run on the file under resource limits, probing the
 *       format itself; its virtual size must not exceed the limit either, and it must agree with the inspector on
 *       format, virtual size, and that no other file (backing, data file, extent) would be opened.
 * </ol>
 *
 * <p>Every refusal of this class itself is {@code UNSAFE_IMAGE}; the inspector's {@code FORMAT_MISMATCH} and
 * {@code FILE_UNREADABLE} pass through; failing to start {@code prlimit} or {@code qemu-img} is {@code IO_ERROR}.
 * Nothing is written. Immutable and thread-safe.
 */
public final class FormatGate {
  private final CommandRunner runner;
  /** The option that lists the allowed formats, as messages name it. */
  public static final String ALLOWED_OPTION = "[image_cache] allowed_disk_formats";
  /** The option that bounds the virtual size, as messages name it. */
  public static final String MAX_SIZE_OPTION = "[image_cache] max_virtual_size";

  private final ImmutableSet<String> allowed;
  private final long maxVirtualSize;

  private FormatGate(ImmutableSet<String> allowed, long maxVirtualSize, CommandRunner runner) {
    this.runner = checkNotNull(runner);
    this.allowed = allowed;
    this.maxVirtualSize = maxVirtualSize;
  }

  /**
   * A gate that admits the Glance disk formats in {@code allowedDiskFormats} up to {@code maxVirtualSize} bytes.
   *
   * @throws IllegalArgumentException if {@code maxVirtualSize} is negative
   */
  public static FormatGate of(Collection<String> allowedDiskFormats, long maxVirtualSize) {
    checkArgument(maxVirtualSize >= 0, "negative maximum virtual size");
    return of(allowedDiskFormats, maxVirtualSize, CommandRunner.system());
  }

  /** As {@link #of(Collection, long)}, running {@code qemu-img info} through {@code runner}. */
  public static FormatGate of(Collection<String> allowedDiskFormats, long maxVirtualSize, CommandRunner runner) {
    return new FormatGate(ImmutableSet.copyOf(checkNotNull(allowedDiskFormats)), maxVirtualSize, runner);
  }

  /**
   * Runs every check above on {@code file}, which Glance says is {@code diskFormat}.
   *
   * @return what the inspector found, which qemu confirmed
   */
  public InspectedImage admit(Path file, String diskFormat) throws ImageTrustException {
    checkNotNull(file, "file");
    checkNotNull(diskFormat, "diskFormat");
    if (!allowed.contains(diskFormat)) {
      throw ImageTrustException.of(Reason.UNSAFE_IMAGE, "disk_format " + diskFormat + " is not in "
          + ALLOWED_OPTION + " (" + String.join(",", allowed) + ")",
          ImmutableMap.of("disk_format", diskFormat, "option", ALLOWED_OPTION));
    }
    InspectedImage ours = FormatInspector.requireSafe(file, diskFormat);
    requireWithinLimit(ours.virtualSize(), "the inspector");
    QemuOpinion qemu = QemuOpinion.ask(runner, file);
    requireWithinLimit(qemu.virtualSize(), "qemu-img info");
    qemu.requireAgrees(ours);
    return ours;
  }

  private void requireWithinLimit(long virtualSize, String whose) throws ImageTrustException {
    if (virtualSize > maxVirtualSize || virtualSize < 0) {
      throw ImageTrustException.of(Reason.UNSAFE_IMAGE, "virtual size " + virtualSize + " bytes (" + whose
          + ") exceeds " + MAX_SIZE_OPTION + " = " + maxVirtualSize,
          ImmutableMap.of("virtual_size", virtualSize, "max_virtual_size", maxVirtualSize,
              "option", MAX_SIZE_OPTION));
    }
  }
}
