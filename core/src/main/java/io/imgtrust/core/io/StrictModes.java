package io.imgtrust.core.io;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ownership and mode checks in the manner of sshd's {@code StrictModes}: imgtrust refuses ({@code UNSAFE_CACHE},
 * naming the path and the fix) to trust a directory or secret that someone other than the user it runs as could
 * change.
 *
 * <p>The rule for a checked directory (the cache directory {@code _base}, its record directory {@code .imgtrust},
 * its lock directory, the host key's directory): it and every directory above it up to {@code /}, on the path as
 * written and on its real path (symbolic links resolved), is owned by root or by the user imgtrust runs as, and is
 * not writable by group or others. One exception, for ancestors only: a world-writable directory with the sticky bit
 * (such as {@code /tmp}, mode 1777), because others may create entries there but cannot rename or remove entries
 * they do not own. A private directory (the lock directory) additionally grants group and others no access at all.
 * A secret file (the host key) is a regular file, not a symbolic link, owned by root or the user, mode 0600 or
 * stricter.
 */
public final class StrictModes {
  private static final int TYPE_MASK = 0170000;
  private static final int SYMLINK = 0120000;
  private static final int REGULAR = 0100000;
  private static final int STICKY = 01000;
  private static final int GROUP_OTHER_WRITE = 022;
  private static final int GROUP_OTHER_ALL = 077;

  private StrictModes() {}

  /**
   * Checks the directory {@code dir} (described as {@code what}, e.g. "cache directory") and its ancestors.
   *
   * @throws ImageTrustException {@code UNSAFE_CACHE} naming the offending path and the fix; {@code IO_ERROR} when a
   *     path cannot be examined
   */
  public static void checkDirectory(String what, Path dir) throws ImageTrustException {
    check(what, dir, false);
  }

  /** Like {@link #checkDirectory}, and the directory itself grants group and others no access (mode 0700). */
  public static void checkPrivateDirectory(String what, Path dir) throws ImageTrustException {
    check(what, dir, true);
  }

  /**
   * Checks a secret file: a regular file (not a symbolic link), owned by root or the user, no access for group and
   * others. Does not check its directory.
   */
  public static void checkSecretFile(String what, Path file) throws ImageTrustException {
    Attrs a = Attrs.of(file);
    if (a.type() == SYMLINK) {
      throw unsafe(what + " " + file + " is a symbolic link; fix: replace it with the file itself");
    } else if (a.type() != REGULAR) {
      throw unsafe(what + " " + file + " is not a regular file");
    }
    checkOwner(what, file, a);
    if ((a.mode & GROUP_OTHER_ALL) != 0) {
      throw unsafe(what + " " + file + " is accessible to group or others (mode " + a.octal()
          + "); whoever reads it can forge cache records; fix: chmod 600 " + file);
    }
  }

  /**
   * Creates {@code dir} with exactly {@code mode} (e.g. {@code rwxr-xr-x}, regardless of the umask) if it is missing;
   * its parent must exist. An existing directory is left as it is (the checks above judge it).
   */
  public static void createDirectory(Path dir, String mode) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    var perms = PosixFilePermissions.fromString(mode);
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(perms)); // never wider than mode, even briefly
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return;
    }
    Files.setPosixFilePermissions(dir, perms);
  }

  /** The effective uid of this process (the user imgtrust runs as). */
  public static int currentUid() {
    return Uid.EFFECTIVE;
  }

  private static void check(String what, Path dir, boolean privateDir) throws ImageTrustException {
    Path abs = dir.toAbsolutePath().normalize();
    Path real;
    try {
      real = abs.toRealPath();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot examine " + what + " " + abs + ": "
          + IoErrors.describe(e), e);
    }
    Set<Path> paths = new LinkedHashSet<>();
    for (Path p = abs; p != null; p = p.getParent()) {
      paths.add(p);
    }
    for (Path p = real; p != null; p = p.getParent()) {
      paths.add(p);
    }
    for (Path p : paths) {
      boolean self = p.equals(abs) || p.equals(real);
      checkOne(self ? what : "directory above " + what + " " + abs + ":", p, self, privateDir && p.equals(real));
    }
  }

  private static void checkOne(String what, Path p, boolean self, boolean privateDir) throws ImageTrustException {
    Attrs a = Attrs.of(p);
    checkOwner(what, p, a);
    if (a.type() == SYMLINK) {
      return; // a link's own mode means nothing; its target is on the real path, checked too
    }
    if ((a.mode & GROUP_OTHER_WRITE) != 0 && (self || (a.mode & STICKY) == 0)) {
      throw unsafe(what + " " + p + " is writable by group or others (mode " + a.octal() + "), who could "
          + "replace what imgtrust trusts" + (self ? "" : " (only a sticky directory such as /tmp may be)")
          + "; fix: chmod go-w " + p);
    }
    if (privateDir && (a.mode & GROUP_OTHER_ALL) != 0) {
      throw unsafe(what + " " + p + " is accessible to group or others (mode " + a.octal() + "), who could hold "
          + "its locks; fix: chmod 700 " + p);
    }
  }

  private static void checkOwner(String what, Path p, Attrs a) throws ImageTrustException {
    if (a.uid != 0 && a.uid != currentUid()) {
      throw unsafe(what + " " + p + " is owned by uid " + a.uid + ", not by root or " + Uid.NAME + " (uid "
          + currentUid() + ") that imgtrust runs as; fix: chown " + Uid.NAME + " " + p);
    }
  }

  private static ImageTrustException unsafe(String message) {
    return ImageTrustException.of(Reason.UNSAFE_CACHE, message);
  }

  /** Owner and mode of a path, not following a final symbolic link. */
  private static final class Attrs {
    final int uid;
    final int mode;

    private Attrs(int uid, int mode) {
      this.uid = uid;
      this.mode = mode;
    }

    static Attrs of(Path p) throws ImageTrustException {
      try {
        Map<String, Object> m = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        return new Attrs((Integer) m.get("uid"), (Integer) m.get("mode"));
      } catch (IOException e) {
        throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot examine " + p + ": " + IoErrors.describe(e), e);
      }
    }

    int type() {
      return mode & TYPE_MASK;
    }

    String octal() {
      return String.format("%04o", mode & 07777);
    }
  }

  /** This process's effective uid (from /proc/self/status) and user name. */
  private static final class Uid {
    static final int EFFECTIVE = read();
    static final String NAME = System.getProperty("user.name", Integer.toString(EFFECTIVE));

    private static int read() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("Uid:")) {
            return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
          }
        }
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot read this process's uid from /proc/self/status", e);
      }
      throw new IllegalStateException("no Uid line in /proc/self/status");
    }
  }
}
