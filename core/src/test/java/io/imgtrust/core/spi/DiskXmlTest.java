package io.imgtrust.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Every disk element parses back to what was given, hostile values included. */
class DiskXmlTest {
  private static final String HOSTILE = "a'b\"c<d>&e";

  private static Element parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
  }

  private static Element only(Element parent, String tag) {
    NodeList l = parent.getElementsByTagName(tag);
    assertThat(l.getLength()).as(tag).isEqualTo(1);
    return (Element) l.item(0);
  }

  @Test
  void file_hostilePath_parsesBackVerbatimAndRelabelled() throws Exception {
    Element d = parse(DiskXml.file(Path.of("/i/" + HOSTILE), "raw", "vda"));

    assertThat(d.getAttribute("type")).isEqualTo("file");
    assertThat(only(d, "source").getAttribute("file")).isEqualTo("/i/" + HOSTILE);
    assertThat(only(d, "driver").getAttribute("type")).isEqualTo("raw");
    assertThat(d.getElementsByTagName("seclabel").getLength()).as("own disk: relabelled").isZero();
  }

  @Test
  void qcow2Overlay_baseNeverRelabelled() throws Exception {
    Element d = parse(DiskXml.qcow2Overlay(Path.of("/i/vm/disk"), Path.of("/i/_base/" + HOSTILE), "raw", "vda"));

    Element backing = (Element) d.getElementsByTagName("backingStore").item(0);
    Element baseSource = only(backing, "source");
    assertThat(baseSource.getAttribute("file")).isEqualTo("/i/_base/" + HOSTILE);
    NodeList labels = baseSource.getElementsByTagName("seclabel");
    assertThat(labels.getLength()).isEqualTo(2);
    assertThat(((Element) labels.item(0)).getAttribute("relabel")).isEqualTo("no");
  }

  @Test
  void block_hostileDevice_parsesBack() throws Exception {
    Element d = parse(DiskXml.block(Path.of("/dev/vg/" + HOSTILE), "vdb"));

    assertThat(d.getAttribute("type")).isEqualTo("block");
    assertThat(only(d, "source").getAttribute("dev")).isEqualTo("/dev/vg/" + HOSTILE);
    assertThat(only(d, "target").getAttribute("dev")).isEqualTo("vdb");
  }

  @Test
  void rbd_monitorsAuthAndSecret_parseBackEscaped() throws Exception {
    Element d = parse(DiskXml.rbd("vms/" + HOSTILE, List.of(HostAndPort.fromParts("mon1", 6789),
        HostAndPort.fromString("[::1]:3300"), HostAndPort.fromHost("mon3")), "nova" + HOSTILE,
        "0f5c0a3c-1d6e-4a39-9d0b-2f0d7f6b1e2a", "vda"));

    assertThat(d.getAttribute("type")).isEqualTo("network");
    Element source = only(d, "source");
    assertThat(source.getAttribute("protocol")).isEqualTo("rbd");
    assertThat(source.getAttribute("name")).isEqualTo("vms/" + HOSTILE);
    NodeList hosts = source.getElementsByTagName("host");
    assertThat(hosts.getLength()).isEqualTo(3);
    assertThat(((Element) hosts.item(0)).getAttribute("name")).isEqualTo("mon1");
    assertThat(((Element) hosts.item(0)).getAttribute("port")).isEqualTo("6789");
    assertThat(((Element) hosts.item(1)).getAttribute("name")).isEqualTo("::1");
    assertThat(((Element) hosts.item(2)).hasAttribute("port")).isFalse();
    Element auth = only(d, "auth");
    assertThat(auth.getAttribute("username")).isEqualTo("nova" + HOSTILE);
    Element secret = only(auth, "secret");
    assertThat(secret.getAttribute("type")).isEqualTo("ceph");
    assertThat(secret.getAttribute("uuid")).isEqualTo("0f5c0a3c-1d6e-4a39-9d0b-2f0d7f6b1e2a");
    assertThat(only(d, "driver").getAttribute("type")).isEqualTo("raw");
    assertThat(d.getElementsByTagName("seclabel").getLength()).as("network disks have no DAC label").isZero();
  }
}
