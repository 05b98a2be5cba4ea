package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The qcow2 header extensions imgtrust cares about, read from the header cluster.
 *
 * <p>Each extension is {@code u32 type, u32 length, data, padding to 8}; type 0 ends the list. Unknown types are
 * skipped as qemu skips them. A list that overruns its area, or has more than {@link #MAX_EXTENSIONS} entries, or
 * repeats the backing-format or data-file extension, is malformed.
 */
final class Qcow2Extensions {
  static final int END = 0;
  static final int BACKING_FORMAT = 0xE2792ACA;
  static final int DATA_FILE = 0x44415441;
  static final int FEATURE_NAMES = 0x6803F857;
  static final int CRYPTO = 0x0537BE77;
  static final int BITMAPS = 0x23852875;
  /** More than qemu ever writes (at most about six); bounds the work an image can ask for. */
  static final int MAX_EXTENSIONS = 64;
  /** qemu keeps the backing format in a 16-byte C string. */
  static final int MAX_BACKING_FORMAT = 15;

  private final Optional<String> backingFormat;
  private final Optional<String> dataFile;
  private final int count;

  private Qcow2Extensions(String backingFormat, String dataFile, int count) {
    this.backingFormat = Optional.ofNullable(backingFormat);
    this.dataFile = Optional.ofNullable(dataFile);
    this.count = count;
  }

  /**
   * Reads the extensions in {@code cluster} from {@code start} up to {@code end}. {@code cluster} holds the file's
   * bytes from offset 0 and may be shorter than {@code end} when the file is; a list that simply stops at end of file
   * on an entry boundary is treated as ended (qemu reads zeros there), one cut inside an entry is truncated.
   */
  static Qcow2Extensions parse(ByteBuffer cluster, int start, int end) throws ImageTrustException {
    int available = Math.min(end, cluster.limit());
    int offset = start;
    String backingFormat = null;
    String dataFile = null;
    int count = 0;
    while (offset < end && offset < available) {
      if (++count > MAX_EXTENSIONS) {
        throw malformed("more than " + MAX_EXTENSIONS + " header extensions");
      }
      if (available - offset < 8) {
        throw malformed("truncated header extension at offset " + offset);
      }
      int type = cluster.getInt(offset);
      long length = Integer.toUnsignedLong(cluster.getInt(offset + 4));
      offset += 8;
      if (type == END) {
        return new Qcow2Extensions(backingFormat, dataFile, count - 1);
      }
      if (length > end - offset) {
        throw malformed(String.format("header extension 0x%08x at offset %d: length %d overflows the header area",
            type, offset - 8, length));
      }
      if (length > available - offset) {
        throw malformed(String.format("header extension 0x%08x is truncated", type));
      }
      int len = (int) length;
      if (type == BACKING_FORMAT) {
        backingFormat = once(backingFormat, "backing format");
        if (len > MAX_BACKING_FORMAT) {
          throw malformed("backing format extension is " + len + " bytes, at most " + MAX_BACKING_FORMAT);
        }
        backingFormat = CStrings.decode(cluster, offset, len, StandardCharsets.UTF_8);
      } else if (type == DATA_FILE) {
        dataFile = once(dataFile, "data file");
        dataFile = CStrings.decode(cluster, offset, len, StandardCharsets.UTF_8);
      }
      offset += (len + 7) & ~7;
    }
    return new Qcow2Extensions(backingFormat, dataFile, count);
  }

  private static String once(String previous, String what) throws ImageTrustException {
    if (previous != null) {
      throw malformed("duplicate " + what + " extension");
    }
    return null;
  }

  private static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.QCOW2, problem);
  }

  /** The backing format extension (0xE2792ACA), without padding, up to the first NUL. */
  Optional<String> backingFormat() {
    return backingFormat;
  }

  /** The external data file name extension (0x44415441), up to the first NUL. */
  Optional<String> dataFile() {
    return dataFile;
  }

  /** How many extensions precede the end marker (or the end of the area). */
  int count() {
    return count;
  }
}
