package io.imgtrust.core.format;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Walks one backing chain for {@link BackingChain#read}; single use, not thread-safe. */
final class ChainReader {
  private final ImmutableList<Path> allowedDirs;
  private final int maxDepth;
  private final Set<Path> seenPaths = new HashSet<>();
  private final Set<Object> seenFiles = new HashSet<>();

  ChainReader(List<Path> allowedDirs, int maxDepth) {
    this.allowedDirs = realDirs(allowedDirs);
    this.maxDepth = maxDepth;
  }

  /** The real paths of the directories that exist; the others can hold nothing. */
  private static ImmutableList<Path> realDirs(List<Path> dirs) {
    ImmutableList.Builder<Path> real = ImmutableList.builder();
    for (Path dir : dirs) {
      try {
        real.add(dir.toRealPath());
      } catch (IOException e) {
        // A directory that cannot be resolved allows nothing.
      }
    }
    return real.build();
  }

  BackingChain read(Path top, ImageFormat topFormat) throws ImageTrustException {
    ImageFormat pinned = asQemuReads(top, topFormat);
    Path named = top.toAbsolutePath();
    Path real;
    try {
      real = top.toRealPath();
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + top, e);
    }
    seenPaths.add(real);
    List<BackingChain.Link> links = new ArrayList<>();
    BackingChain.Link link = readLink(real, pinned, true);
    links.add(link);
    while (link.backingName().isPresent()) {
      String name = link.backingName().get();
      named = BackingNames.resolve(named, name);
      real = realBacking(link.path(), named, name);
      if (!seenPaths.add(real)) {
        throw unsafe(link.path(), "has a backing chain that loops back to " + real, real, name);
      }
      if (links.size() > maxDepth) {
        throw unsafe(links.get(0).path(), "has a backing chain deeper than " + maxDepth + " backing files", real,
            name);
      }
      link = readLink(real, link.backingFormat().get(), false);
      links.add(link);
    }
    return new BackingChain(links);
  }

  private static ImageFormat asQemuReads(Path top, ImageFormat format) throws ImageTrustException {
    switch (format.qemuName()) {
      case "raw":
        return ImageFormat.RAW;
      case "qcow2":
        return ImageFormat.QCOW2;
      default:
        throw Refusals.unsafe(format, top + " is " + format.glanceName() + "; only raw and qcow2 images are read",
            ImmutableMap.of("file", top.toString()));
    }
  }

  /** The real path of backing file {@code name} of {@code image}, inside an allowed directory. */
  private Path realBacking(Path image, Path named, String name) throws ImageTrustException {
    Path real;
    try {
      real = named.toRealPath();
    } catch (AccessDeniedException e) {
      throw IoErrors.unreadable("backing file " + named, e);
    } catch (NoSuchFileException e) {
      throw Refusals.unsafe(ImageFormat.QCOW2, image + " has a backing file that does not exist: " + named,
          ImmutableMap.of("file", named.toString(), "image", image.toString(), "backing_file", name,
              "missing", true));
    } catch (FileSystemException e) {
      throw unsafe(image, "has a backing file that cannot be resolved: " + named + " (" + IoErrors.describe(e)
          + ")", named, name);
    } catch (IOException e) {
      throw IoErrors.unreadable("backing file " + named, e);
    }
    for (Path dir : allowedDirs) {
      if (real.startsWith(dir) && !real.equals(dir)) {
        return real;
      }
    }
    throw ImageTrustException.of(Reason.UNTRUSTED_BACKING_FILE,
        "backing file " + real + " of " + image + " lies outside the allowed directories " + allowedDirs,
        ImmutableMap.of("file", real.toString(), "image", image.toString(), "backing_file", name));
  }

  /** Opens and checks one image whose real path is {@code real} and whose format is pinned to {@code declared}. */
  private BackingChain.Link readLink(Path real, ImageFormat declared, boolean top) throws ImageTrustException {
    if (!top) {
      checkRegularFile(real);
    }
    try (ImageFile file = ImageFile.open(real)) {
      rememberFile(real);
      if (declared == ImageFormat.RAW) {
        if (!top) {
          checkDetected(real, file, declared);
        }
        return new BackingChain.Link(real, ImageFormat.RAW, Optional.empty(), Optional.empty(), file.size(), 0);
      }
      checkDetected(real, file, declared);
      return Qcow2Link.read(real, file, top);
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + real, e);
    } catch (ImageTrustException e) {
      throw withFile(e, real);
    }
  }

  private static void checkRegularFile(Path real) throws ImageTrustException {
    boolean regular;
    try {
      regular = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
    } catch (IOException e) {
      throw IoErrors.unreadable("backing file " + real, e);
    }
    if (!regular) {
      throw Refusals.unsafe(ImageFormat.RAW, "backing file " + real + " is not a regular file",
          ImmutableMap.of("file", real.toString()));
    }
  }

  /** Catches a loop through hard links (same file, other name), which real paths alone do not show. */
  private void rememberFile(Path real) throws ImageTrustException {
    Object key;
    try {
      key = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + real, e);
    }
    if (key != null && !seenFiles.add(key)) {
      throw Refusals.unsafe(ImageFormat.QCOW2, "backing chain loops: " + real + " is a file already in the chain",
          ImmutableMap.of("file", real.toString()));
    }
  }

  private static void checkDetected(Path real, ImageFile file, ImageFormat declared) throws ImageTrustException {
    ImageFormat detected = FormatDetector.detect(file);
    if (!detected.qemuName().equals(declared.qemuName())) {
      throw Refusals.unsafe(detected, real + " is declared " + declared.qemuName() + " but its header is "
          + detected.qemuName(), ImmutableMap.of("file", real.toString(), "declared_format", declared.qemuName()));
    }
  }

  private static ImageTrustException unsafe(Path image, String problem, Path file, String name) {
    return Refusals.unsafe(ImageFormat.QCOW2, image + " " + problem,
        ImmutableMap.of("file", file.toString(), "image", image.toString(), "backing_file", name));
  }

  /** {@code e} with the file it is about in its message and details (unless it names one already). */
  private static ImageTrustException withFile(ImageTrustException e, Path file) {
    if (e.details().containsKey("file") || e.getCause() != null) {
      return e; // I/O failures (with a cause) name their file in the message already.
    }
    Map<String, Object> details = new LinkedHashMap<>(e.details());
    details.put("file", file.toString());
    return ImageTrustException.of(e.reason(), file + ": " + e.getMessage(), details);
  }
}
