package io.imgtrust.backend.qcow2;

import static io.imgtrust.backend.qcow2.XmlDocs.attr;
import static io.imgtrust.backend.qcow2.XmlDocs.child;
import static io.imgtrust.backend.qcow2.XmlDocs.children;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The disks of a libvirt domain, read from its XML with DTDs, external entities and XInclude off, and the size
 * bounded. Only what the before-boot check needs: each disk's type, target, source, driver type, read-only flag,
 * the DAC {@code <seclabel>} of its source, the {@code <backingStore>} chain the XML pins (if any), and whether the
 * domain turns DAC relabelling off as a whole; and every other absolute path the XML names ({@link DomainPaths}),
 * which leaves out only the disk sources the disk check follows itself: a file disk's {@code <source file>}, the
 * {@code <backingStore>} levels of a {@code qcow2} file disk (checked against its headers) and a {@code dir} disk's
 * {@code <source dir>}. Immutable.
 */
final class DomainDisks {
  static final int MAX_BYTES = 4 << 20;
  private static final int MAX_LEVELS = 64;

  /** What a DAC {@code <seclabel>} on one {@code <source>} says about relabelling that file. */
  enum Relabel {
    /** {@code <seclabel model='dac' relabel='no'/>}: libvirt leaves the file's owner alone. */
    NO,
    /** A seclabel that relabels ({@code relabel='yes'} or a label); one without a model counts here too. */
    YES,
    /** No DAC seclabel: libvirt falls back to the top source's, then relabels. */
    UNSET
  }

  /** One {@code <disk>}. */
  static final class Disk {
    /** {@code file} (also for a disk without a type), {@code block}, {@code network}, {@code volume}, ... */
    final String type;
    /** {@code <target dev>}, or empty. */
    final String target;
    /** The file ({@code file}), directory ({@code dir}) or device ({@code block}); the empty path otherwise. */
    final Path source;
    /** The source as a person reads it: a path, {@code pool P volume V}, {@code rbd p/i}, or {@code no medium}. */
    final String where;
    /** {@code <source pool volume>} of a {@code volume} disk; empty otherwise. */
    final String pool;
    final String volume;
    final String driverType;
    /** {@code <readonly/>}, or a cdrom (libvirt always opens those read-only). */
    final boolean readonly;
    /** The DAC seclabel of the top {@code <source>}. */
    final Relabel relabel;
    /** The pinned chain below the disk, level by level; an empty level is {@code <backingStore/>}. */
    final ImmutableList<Level> backingStores;
    /** Whether the XML has a {@code <backingStore>} element at all. */
    final boolean pinned;

    Disk(String type, String target, Path source, String where, String pool, String volume, String driverType,
        boolean readonly, Relabel relabel, ImmutableList<Level> backingStores, boolean pinned) {
      this.type = type;
      this.target = target;
      this.source = source;
      this.where = where;
      this.pool = pool;
      this.volume = volume;
      this.driverType = driverType;
      this.readonly = readonly;
      this.relabel = relabel;
      this.backingStores = backingStores;
      this.pinned = pinned;
    }

    /** This disk as the file disk a {@code volume} disk resolves to. */
    Disk asFile(Path file) {
      return new Disk("file", target, file, file + " (pool " + pool + " volume " + volume + ")", pool, volume,
          driverType, readonly, relabel, backingStores, pinned);
    }

    /** {@code vda (/path)}: how messages and the log line name the disk. */
    String name() {
      return (target.isEmpty() ? "disk" : target) + " (" + where + ")";
    }
  }

  /** One {@code <backingStore>} level; an empty one ends the chain. */
  static final class Level {
    final Optional<Path> source;
    final Optional<String> format;
    final Relabel relabel;

    Level(Optional<Path> source, Optional<String> format, Relabel relabel) {
      this.source = source;
      this.format = format;
      this.relabel = relabel;
    }
  }

  final String name;
  final ImmutableList<Disk> disks;
  /** A domain-level {@code <seclabel model='dac'>} with relabelling off: libvirt relabels no file at all. */
  final boolean dacRelabelOff;
  /** Every absolute path named outside the disk sources the disk check follows. */
  final ImmutableList<DomainPaths.Named> otherPaths;

  private DomainDisks(String name, ImmutableList<Disk> disks, boolean dacRelabelOff,
      ImmutableList<DomainPaths.Named> otherPaths) {
    this.name = name;
    this.disks = disks;
    this.dacRelabelOff = dacRelabelOff;
    this.otherPaths = otherPaths;
  }

  /** The disks of type {@code file} (or no type) that name a file. */
  static ImmutableList<Disk> parse(String xml) throws ImageTrustException {
    return read(xml).disks.stream().filter(d -> d.type.equals("file") && !d.source.toString().isEmpty())
        .collect(ImmutableList.toImmutableList());
  }

  /** Every {@code <disk>} of the domain, whatever its type. */
  static DomainDisks read(String xml) throws ImageTrustException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw malformed("larger than " + MAX_BYTES + " bytes");
    }
    Document doc;
    try {
      doc = XmlDocs.parse(bytes);
    } catch (Exception e) {
      throw malformed(e.getMessage());
    }
    Element root = doc.getDocumentElement();
    if (root == null || !root.getTagName().equals("domain")) {
      throw malformed("the root element is not <domain>");
    }
    ImmutableList.Builder<Disk> out = ImmutableList.builder();
    Set<Node> followed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Element devices : children(root, "devices")) {
      for (Element disk : children(devices, "disk")) {
        out.add(disk(disk, followed));
      }
    }
    String name = child(root, "name").map(Element::getTextContent).orElse("").strip();
    return new DomainDisks(name, out.build(), dacOff(root), DomainPaths.walk(root, followed));
  }

  private static Disk disk(Element disk, Set<Node> followed) {
    String type = disk.getAttribute("type").isEmpty() ? "file" : disk.getAttribute("type");
    Optional<Element> src = child(disk, "source");
    String attrName = type.equals("dir") ? "dir" : type.equals("block") ? "dev" : "file";
    String path = attr(src, attrName).orElse("");
    String driverType = attr(child(disk, "driver"), "type").orElse("");
    if (type.equals("file") || type.equals("dir")) {
      src.map(s -> s.getAttributeNode(attrName)).ifPresent(followed::add);
    }
    String pool = attr(src, "pool").orElse("");
    String volume = attr(src, "volume").orElse("");
    String where = !path.isEmpty() ? path
        : type.equals("volume") ? "pool " + pool + " volume " + volume
        : type.equals("network") ? attr(src, "protocol").orElse("?") + " " + attr(src, "name").orElse("")
        : src.isPresent() ? "no local source" : "no medium";
    ImmutableList.Builder<Level> levels = ImmutableList.builder();
    Optional<Element> bs = child(disk, "backingStore");
    boolean pinned = bs.isPresent();
    for (int depth = 0; bs.isPresent() && depth < MAX_LEVELS; depth++) {
      Optional<Element> s = child(bs.get(), "source");
      if (driverType.equals("qcow2") && type.equals("file")) {
        s.map(x -> x.getAttributeNode("file")).ifPresent(followed::add);
      }
      levels.add(new Level(attr(s, "file").map(Path::of), attr(child(bs.get(), "format"), "type"), relabel(s)));
      bs = child(bs.get(), "backingStore");
    }
    return new Disk(type, attr(child(disk, "target"), "dev").orElse(""), Path.of(path), where, pool, volume,
        driverType, readonly(disk), relabel(src), levels.build(), pinned);
  }

  private static boolean readonly(Element disk) {
    return child(disk, "readonly").isPresent() || disk.getAttribute("device").equals("cdrom");
  }

  /** The DAC relabel setting of one {@code <source>}; a seclabel without a model never counts as "no". */
  private static Relabel relabel(Optional<Element> source) {
    Relabel r = Relabel.UNSET;
    for (Element l : source.map(s -> children(s, "seclabel")).orElse(ImmutableList.of())) {
      String model = l.getAttribute("model");
      boolean no = l.getAttribute("relabel").equals("no");
      if (model.equals("dac") && no && r == Relabel.UNSET) {
        r = Relabel.NO;
      } else if ((model.equals("dac") || model.isEmpty()) && !no) {
        return Relabel.YES;
      }
    }
    return r;
  }

  /**
   * libvirt's rule for a domain-level {@code <seclabel model='dac'>}: relabelling is off with {@code relabel='no'},
   * or with no relabel attribute when the type is {@code none} or {@code static}. A seclabel without a model is NOT
   * read as DAC: libvirt gives it the host's first security model (often {@code none} or selinux), so DAC still
   * relabels.
   */
  private static boolean dacOff(Element root) {
    for (Element l : children(root, "seclabel")) {
      if (l.getAttribute("model").equals("dac")) {
        String relabel = l.getAttribute("relabel");
        String type = l.getAttribute("type");
        return relabel.equals("no") || relabel.isEmpty() && (type.equals("none") || type.equals("static"));
      }
    }
    return false;
  }

  private static ImageTrustException malformed(String why) {
    return ImageTrustException.of(Reason.MALFORMED_DOMAIN, "domain XML: " + why);
  }
}
