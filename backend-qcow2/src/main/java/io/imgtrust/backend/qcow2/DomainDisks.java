package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The file disks of a libvirt domain, read from its XML with DTDs, external entities and XInclude off, and the size
 * bounded. Only what the before-boot check needs: source file, driver type, and the {@code <backingStore>} chain the
 * XML pins (if any).
 */
final class DomainDisks {
  static final int MAX_BYTES = 4 << 20;

  /** One {@code <disk type='file'>}. */
  static final class Disk {
    final Path source;
    final String driverType;
    /** The pinned chain below the disk, level by level; an empty level is {@code <backingStore/>}. */
    final ImmutableList<Level> backingStores;
    /** Whether the XML has a {@code <backingStore>} element at all. */
    final boolean pinned;

    Disk(Path source, String driverType, ImmutableList<Level> backingStores, boolean pinned) {
      this.source = source;
      this.driverType = driverType;
      this.backingStores = backingStores;
      this.pinned = pinned;
    }
  }

  /** One {@code <backingStore>} level; an empty one ends the chain. */
  static final class Level {
    final Optional<Path> source;
    final Optional<String> format;

    Level(Optional<Path> source, Optional<String> format) {
      this.source = source;
      this.format = format;
    }
  }

  private DomainDisks() {}

  static ImmutableList<Disk> parse(String xml) throws ImageTrustException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw malformed("larger than " + MAX_BYTES + " bytes");
    }
    Document doc;
    try {
      doc = builder().parse(new ByteArrayInputStream(bytes));
    } catch (Exception e) {
      throw malformed(e.getMessage());
    }
    Element root = doc.getDocumentElement();
    if (root == null || !root.getTagName().equals("domain")) {
      throw malformed("the root element is not <domain>");
    }
    ImmutableList.Builder<Disk> out = ImmutableList.builder();
    for (Element devices : children(root, "devices")) {
      for (Element disk : children(devices, "disk")) {
        String type = disk.getAttribute("type");
        if (type.isEmpty() || "file".equals(type)) {
          fileDisk(disk).ifPresent(out::add);
        }
      }
    }
    return out.build();
  }

  private static Optional<Disk> fileDisk(Element disk) {
    Optional<String> source = child(disk, "source").map(s -> s.getAttribute("file")).filter(f -> !f.isEmpty());
    if (source.isEmpty()) {
      return Optional.empty();
    }
    String type = child(disk, "driver").map(d -> d.getAttribute("type")).orElse("");
    ImmutableList.Builder<Level> levels = ImmutableList.builder();
    Optional<Element> bs = child(disk, "backingStore");
    boolean pinned = bs.isPresent();
    for (int depth = 0; bs.isPresent() && depth < 64; depth++) {
      Element b = bs.get();
      Optional<String> file = child(b, "source").map(s -> s.getAttribute("file")).filter(f -> !f.isEmpty());
      Optional<String> fmt = child(b, "format").map(f -> f.getAttribute("type")).filter(f -> !f.isEmpty());
      levels.add(new Level(file.map(Path::of), fmt));
      bs = child(b, "backingStore");
    }
    return Optional.of(new Disk(Path.of(source.get()), type, levels.build(), pinned));
  }

  private static DocumentBuilder builder() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
    return b;
  }

  private static ImmutableList<Element> children(Element parent, String name) {
    ImmutableList.Builder<Element> out = ImmutableList.builder();
    NodeList nl = parent.getChildNodes();
    for (int i = 0; i < nl.getLength(); i++) {
      Node n = nl.item(i);
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        out.add((Element) n);
      }
    }
    return out.build();
  }

  private static Optional<Element> child(Element parent, String name) {
    ImmutableList<Element> c = children(parent, name);
    return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
  }

  private static ImageTrustException malformed(String why) {
    return ImageTrustException.of(Reason.MALFORMED_DOMAIN, "domain XML: " + why);
  }
}
