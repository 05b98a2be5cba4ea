package io.imgtrust.backend.ploop;

/**
 * The ploop {@code DiskDescriptor.xml} of a one-image disk, as ploop's {@code ploop_store_diskdescriptor} (lib/xml.c)
 * writes it after {@code ploop restore-descriptor}: root {@code Parallels_disk_image} (the name libvirt's vz storage
 * driver requires), the geometry in {@code Disk_Parameters} (sizes in 512-byte sectors), one {@code Storage} of
 * {@code Blocksize} 2048 sectors holding {@code root.hds}, and one snapshot. The image and snapshot GUID is ploop's fixed
 * top-delta GUID, whose parent is the null GUID, as ploop itself records a single image.
 */
final class DiskDescriptor {
  static final String FILE_NAME = "DiskDescriptor.xml";
  static final String IMAGE_FILE = "root.hds";
  /** ploop's {@code TOPDELTA_UUID}: the GUID ploop gives the top (here: only) delta. */
  static final String TOP_GUID = "{5fbaabe3-6958-40ff-92a7-860e329aab41}";
  /** ploop's {@code NONE_UUID}: the parent of a base image. */
  static final String NONE_GUID = "{00000000-0000-0000-0000-000000000000}";

  private DiskDescriptor() {}

  /** The descriptor of a disk of geometry {@code g} whose {@code root.hds} has {@code format}. */
  static String xml(ParallelsGeometry g, PloopFormat format) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<Parallels_disk_image Version=\"1.0\">\n");
    b.append("  <Disk_Parameters>\n");
    element(b, 4, "Disk_size", g.sectors());
    element(b, 4, "Cylinders", g.cylinders());
    element(b, 4, "Heads", g.heads());
    element(b, 4, "Sectors", sectorsPerTrack(g));
    element(b, 4, "Padding", 0);
    b.append("  </Disk_Parameters>\n");
    b.append("  <StorageData>\n    <Storage>\n");
    element(b, 6, "Start", 0);
    element(b, 6, "End", g.sectors());
    element(b, 6, "Blocksize", ParallelsGeometry.CLUSTER_SECTORS);
    b.append("      <Image>\n");
    element(b, 8, "GUID", TOP_GUID);
    element(b, 8, "Type", format.descriptorType());
    element(b, 8, "File", IMAGE_FILE);
    b.append("      </Image>\n    </Storage>\n  </StorageData>\n");
    b.append("  <Snapshots>\n");
    element(b, 4, "TopGUID", TOP_GUID);
    b.append("    <Shot>\n");
    element(b, 6, "GUID", TOP_GUID);
    element(b, 6, "ParentGUID", NONE_GUID);
    b.append("    </Shot>\n  </Snapshots>\n</Parallels_disk_image>\n");
    return b.toString();
  }

  /** As ploop computes it: {@code Disk_size / (Cylinders * Heads)}; 32 for disks too small to have a cylinder. */
  static long sectorsPerTrack(ParallelsGeometry g) {
    long perCylinder = g.cylinders() * g.heads();
    return perCylinder == 0 ? ParallelsGeometry.TRACK_SECTORS : g.sectors() / perCylinder;
  }

  /** Values are numbers and fixed words, so they need no escaping. */
  private static void element(StringBuilder b, int indent, String name, Object value) {
    b.append(" ".repeat(indent)).append('<').append(name).append('>').append(value).append("</").append(name)
        .append(">\n");
  }
}
