package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import java.io.ByteArrayInputStream;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Parses untrusted libvirt XML (domain and storage pool definitions) with DTDs, external entities and XInclude off;
 * callers bound the size before parsing; the parser bounds the depth. Plus the few DOM walks the before-boot check needs.
 */
final class XmlDocs {
  /** Deeper documents are refused: libvirt XML is shallow, and walks over it stay small. */
  static final int MAX_DEPTH = 128;

  private XmlDocs() {}

  /** The parsed document; any parse problem is an exception whose message the caller reports. */
  static Document parse(byte[] bytes) throws Exception {
    return builder().parse(new ByteArrayInputStream(bytes));
  }

  private static DocumentBuilder builder() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setAttribute("jdk.xml.maxElementDepth", Integer.toString(MAX_DEPTH));
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

  /** The child elements of {@code parent} named {@code name}, in document order. */
  static ImmutableList<Element> children(Element parent, String name) {
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

  /** The first child element named {@code name}. */
  static Optional<Element> child(Element parent, String name) {
    ImmutableList<Element> c = children(parent, name);
    return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
  }

  /** The attribute's value, empty when absent or empty. */
  static Optional<String> attr(Optional<Element> e, String name) {
    return e.map(x -> x.getAttribute(name)).filter(v -> !v.isEmpty());
  }
}
