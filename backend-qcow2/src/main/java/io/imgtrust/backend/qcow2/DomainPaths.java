package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The generic path walk of a domain XML: every attribute value and text node anywhere in the document, and every
 * token in them, that looks like an absolute path, except the disk sources the disk check follows itself. It fails
 * closed: libvirt and QEMU open host files named by many elements ({@code <os><kernel>}, {@code <nvram>},
 * {@code <filesystem><source dir>}, chardev sources, {@code <qemu:commandline>} arguments, ...), so no list of
 * elements is trusted to be complete. Only the free text libvirt never opens ({@code <title>},
 * {@code <description>}, {@code <metadata>} of the domain) is left out. Immutable value types; the walk is
 * iterative (the parser bounds the depth).
 */
final class DomainPaths {
  private static final ImmutableSet<String> FREE_TEXT = ImmutableSet.of("title", "description", "metadata");
  /** Where a path may start inside a value: {@code file=/x,if=...}, {@code json:{"filename":"/x"}}, a cmdline. */
  private static final Pattern DELIMITERS = Pattern.compile("[\\s,=:;\"'()\\[\\]{}<>]+");

  /** One path and the element (and attribute) that names it, e.g. {@code <devices><serial><source path>}. */
  static final class Named {
    final String element;
    final String path;

    Named(String element, String path) {
      this.element = element;
      this.path = path;
    }
  }

  private DomainPaths() {}

  /** Every absolute path under {@code root} (the {@code <domain>}) outside the attribute nodes in {@code followed}. */
  static ImmutableList<Named> walk(Element root, Set<Node> followed) {
    ImmutableList.Builder<Named> out = ImmutableList.builder();
    Deque<Element> todo = new ArrayDeque<>();
    Deque<String> labels = new ArrayDeque<>();
    todo.push(root);
    labels.push("");
    while (!todo.isEmpty()) {
      Element e = todo.pop();
      String label = labels.pop();
      attributes(e, label, followed, out);
      NodeList nl = e.getChildNodes();
      for (int i = nl.getLength() - 1; i >= 0; i--) {
        Node n = nl.item(i);
        if (n instanceof Element && !(e == root && FREE_TEXT.contains(((Element) n).getTagName()))) {
          todo.push((Element) n);
          labels.push(label + "<" + ((Element) n).getTagName() + ">");
        } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
          paths(label, n.getNodeValue(), out);
        }
      }
    }
    return out.build();
  }

  private static void attributes(Element e, String label, Set<Node> followed, ImmutableList.Builder<Named> out) {
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Node a = attrs.item(i);
      if (!followed.contains(a)) {
        String where = label.isEmpty() ? "<domain>" : label;
        paths(where.substring(0, where.length() - 1) + " " + a.getNodeName() + ">", a.getNodeValue(), out);
      }
    }
  }

  /** The whole value if it starts with {@code /}, and every token of it that does. */
  static ImmutableSet<String> tokens(String value) {
    Set<String> out = new LinkedHashSet<>();
    String v = value.strip();
    if (v.startsWith("/")) {
      out.add(v);
    }
    for (String t : DELIMITERS.split(v)) {
      if (t.startsWith("/")) {
        out.add(t);
      }
    }
    return ImmutableSet.copyOf(out);
  }

  private static void paths(String label, String value, ImmutableList.Builder<Named> out) {
    for (String t : tokens(value)) {
      out.add(new Named(label, t));
    }
  }
}
