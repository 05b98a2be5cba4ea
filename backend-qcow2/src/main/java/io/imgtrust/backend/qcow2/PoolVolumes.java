package io.imgtrust.backend.qcow2;

import static io.imgtrust.backend.qcow2.XmlDocs.child;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Resolves a {@code <disk type='volume'>} to what QEMU will open, from the storage pool definitions libvirt keeps as
 * XML files ({@code /run/libvirt/storage/P.xml} for a running pool, {@code /etc/libvirt/storage/P.xml} for a
 * persistent one), never through libvirt (a hook that calls libvirt deadlocks it). Every definition found is read,
 * so a pool redefined since it started resolves to both files. Pool XML is parsed like domain XML: bounded, no DTD.
 *
 * <p>Pools of type {@code dir}, {@code fs}, {@code netfs} and {@code vstorage} hold files: the volume is
 * {@code <target><path>/V}. Pools whose volumes are block devices or network images ({@code logical}, {@code disk},
 * {@code iscsi}, {@code iscsi-direct}, {@code scsi}, {@code mpath}, {@code zfs}, {@code rbd}, {@code sheepdog},
 * {@code gluster}) resolve to no file. Anything else - no definition, a pool or volume name that is not a plain
 * name, an unknown pool type, a file pool without a target path - is {@code UNSAFE_DOMAIN}.
 */
final class PoolVolumes {
  static final ImmutableList<Path> LIBVIRT_DIRS = ImmutableList.of(Path.of("/run/libvirt/storage"),
      Path.of("/etc/libvirt/storage"));
  static final int MAX_BYTES = 1 << 20;
  private static final ImmutableSet<String> FILE_POOLS = ImmutableSet.of("dir", "fs", "netfs", "vstorage");
  private static final ImmutableSet<String> NON_FILE_POOLS = ImmutableSet.of("logical", "disk", "iscsi",
      "iscsi-direct", "scsi", "mpath", "zfs", "rbd", "sheepdog", "gluster");

  /** What a volume resolved to: the files of a file pool, or none for a block or network pool. */
  static final class Volume {
    final String poolType;
    final ImmutableList<Path> files;

    Volume(String poolType, ImmutableList<Path> files) {
      this.poolType = poolType;
      this.files = files;
    }
  }

  private final ImmutableList<Path> dirs;

  PoolVolumes(ImmutableList<Path> dirs) {
    this.dirs = dirs;
  }

  Volume resolve(DomainDisks.Disk disk) throws ImageTrustException {
    if (!plain(disk.pool) || !plain(disk.volume)) {
      throw unresolved(disk, "the pool or volume is not a plain name");
    }
    Set<String> types = new LinkedHashSet<>();
    Set<Path> files = new LinkedHashSet<>();
    for (Path dir : dirs) {
      Path def = dir.resolve(disk.pool + ".xml");
      if (!Files.isRegularFile(def, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Element pool = poolOf(disk, def);
      String type = pool.getAttribute("type");
      types.add(type);
      if (FILE_POOLS.contains(type)) {
        String target = child(pool, "target").flatMap(t -> child(t, "path")).map(Element::getTextContent)
            .map(String::strip).filter(p -> p.startsWith("/"))
            .orElseThrow(() -> unresolved(disk, def + " has no absolute <target><path>"));
        files.add(Path.of(target).resolve(disk.volume));
      } else if (!NON_FILE_POOLS.contains(type)) {
        throw unresolved(disk, def + " is a pool of type '" + type + "', which the check does not know");
      }
    }
    if (types.isEmpty()) {
      throw unresolved(disk, "no definition of pool " + disk.pool + " in " + dirs);
    }
    return new Volume(String.join("/", types), ImmutableList.copyOf(files));
  }

  private static Element poolOf(DomainDisks.Disk disk, Path def) throws ImageTrustException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(def, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw unresolved(disk, "cannot read " + def + ": " + IoErrors.describe(e));
    }
    if (bytes.length > MAX_BYTES) {
      throw unresolved(disk, def + " is larger than " + MAX_BYTES + " bytes");
    }
    Element root;
    try {
      root = XmlDocs.parse(bytes).getDocumentElement();
    } catch (Exception e) {
      throw unresolved(disk, def + " does not parse: " + e.getMessage());
    }
    // A running pool's state file wraps the definition: <poolstate><pool .../></poolstate>.
    Optional<Element> pool = root.getTagName().equals("pool") ? Optional.of(root) : child(root, "pool");
    return pool.orElseThrow(() -> unresolved(disk, def + " holds no <pool>"));
  }

  private static boolean plain(String name) {
    return !name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..")
        && name.indexOf('\0') < 0;
  }

  private static ImageTrustException unresolved(DomainDisks.Disk disk, String why) {
    return ImageTrustException.of(Reason.UNSAFE_DOMAIN, "disk " + disk.name() + ": cannot resolve the volume to "
        + "what QEMU will open (" + why + "); the before-boot check refuses what it cannot follow. Use a file disk "
        + "(<disk type='file'>) or a pool the hook can read", ImmutableMap.of("disk", disk.name()));
  }
}
