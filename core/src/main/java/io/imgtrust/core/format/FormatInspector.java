package io.imgtrust.core.format;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A pure-Java image format inspector for untrusted files, run before qemu-img or anything else touches them.
 *
 * <p><b>Guarantees:</b>
 * <ul>
 *   <li>The file is opened read-only, and not if it is a symbolic link or not a regular file
 *       ({@code FILE_UNREADABLE}). Symlinks in parent directories are followed. No other file is ever opened: names
 *       found in headers are reported, never resolved.
 *   <li>Only headers are read, in bounded pieces (a few MiB at most, whatever the headers say), so inspection takes
 *       bounded time and memory.
 *   <li>A header that is truncated or has a field out of the range qemu accepts is {@code UNSAFE_IMAGE} with a message
 *       naming the problem; no other exception type escapes for any file content.
 *   <li>Formats are recognised by magic numbers only (see {@link ImageFormat}); a file with none of them is RAW.
 * </ul>
 *
 * <p>{@link #inspect} itself refuses ({@code UNSAFE_IMAGE}) the images that exist only to point at other files and
 * that it therefore does not describe: VMDK descriptor files, VMDK extents whose first header has capacity 0 and an
 * embedded descriptor (qemu reads those as descriptor files, whatever a footer says), VMDK descriptors with an extent
 * other than the file itself, and VDI images linked to a parent.
 *
 * <p><b>Not guaranteed:</b> that the data behind the headers (L1/L2 tables, BATs, refcounts) is consistent, that
 * checksums (VHDX CRC-32C) hold, or that qemu will open the image. The virtual size of VHDX is read from its
 * metadata region, that of VDI from its header; both are rounded down to 512 bytes as qemu does.
 *
 * <p>Thread-safe: all methods are static and share no state.
 */
public final class FormatInspector {
  private FormatInspector() {}

  /** Reads only headers (bounded reads, at most a few MiB), opens with NOFOLLOW_LINKS and read-only. */
  public static InspectedImage inspect(Path file) throws ImageTrustException {
    checkNotNull(file, "file");
    try (ImageFile image = ImageFile.open(file)) {
      return read(image, FormatDetector.detect(image));
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + file, e);
    }
  }

  /**
   * Refuses unless the real format is what Glance's {@code disk_format} says and the image is safe to convert or
   * use as a base.
   *
   * <p>{@code FORMAT_MISMATCH} when the format found differs from {@code diskFormat} (disk_format raw but a qcow2
   * header, the classic attack; disk_format qcow2 without the qcow2 magic), or {@code diskFormat} is not a Glance
   * disk format. The format is compared before the headers are parsed. One exception: an ISO 9660 image under
   * disk_format {@code raw} (or ami/ari/aki) is accepted, because qemu reads both as raw bytes and hybrid ISOs are
   * commonly uploaded as raw; disk_format {@code iso} still requires the ISO 9660 signature.
   *
   * <p>{@code UNSAFE_IMAGE} for a malformed header, a backing file (qcow2, VMDK {@code parentFileNameHint},
   * differencing VHD/VHDX), an external data file (qcow2 incompatible bit 2 or the data-file extension), any qcow2
   * incompatible bit other than 3 (compression type) and 4 (extended L2) - dirty and corrupt images are refused
   * too - encryption, and a VMDK whose create type is not monolithicSparse or streamOptimized.
   *
   * @return the inspected image, which passed every check above
   */
  public static InspectedImage requireSafe(Path file, String diskFormat) throws ImageTrustException {
    checkNotNull(file, "file");
    checkNotNull(diskFormat, "diskFormat");
    Optional<ImageFormat> expected = ImageFormat.forDiskFormat(diskFormat);
    if (expected.isEmpty()) {
      throw ImageTrustException.of(Reason.FORMAT_MISMATCH, "disk_format " + diskFormat + " is not supported",
          ImmutableMap.of("disk_format", diskFormat));
    }
    try (ImageFile image = ImageFile.open(file)) {
      ImageFormat actual = FormatDetector.detect(image);
      if (!compatible(expected.get(), actual)) {
        throw Refusals.mismatch(diskFormat, actual);
      }
      InspectedImage inspected = read(image, actual);
      SafetyPolicy.check(inspected);
      return inspected;
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + file, e);
    }
  }

  private static boolean compatible(ImageFormat expected, ImageFormat actual) {
    return expected == actual || (expected == ImageFormat.RAW && actual == ImageFormat.ISO);
  }

  private static InspectedImage read(ImageFile image, ImageFormat format) throws ImageTrustException {
    switch (format) {
      case QCOW2:
        return Qcow2Header.read(image).toInspected();
      case PARALLELS:
        return ParallelsHeader.read(image);
      case VMDK:
        return VmdkReader.read(image);
      case VHD:
        return VhdFooter.read(image);
      case VHDX:
        return VhdxReader.read(image);
      case VDI:
        return VdiHeader.read(image);
      case ISO:
      case RAW:
        return InspectedImage.builder(format, image.size()).build();
      default:
        throw new AssertionError(format);
    }
  }
}
