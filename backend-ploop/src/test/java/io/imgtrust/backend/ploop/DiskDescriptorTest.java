package io.imgtrust.backend.ploop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class DiskDescriptorTest {
  @Test
  void xml_expanded_followsPloopSchemaWithGeometryInSectors() throws Exception {
    Document d = parse(DiskDescriptor.xml(ParallelsGeometry.of(9437191), PloopFormat.EXPANDED));

    assertThat(d.getDocumentElement().getTagName()).isEqualTo("Parallels_disk_image");
    assertThat(x(d, "/Parallels_disk_image/Disk_Parameters/Disk_size")).isEqualTo("18433");
    assertThat(x(d, "/Parallels_disk_image/Disk_Parameters/Cylinders")).isEqualTo("36");
    assertThat(x(d, "/Parallels_disk_image/Disk_Parameters/Heads")).isEqualTo("16");
    assertThat(x(d, "/Parallels_disk_image/Disk_Parameters/Sectors")).isEqualTo("32");
    assertThat(x(d, "/Parallels_disk_image/Disk_Parameters/Padding")).isEqualTo("0");
    assertThat(x(d, "/Parallels_disk_image/StorageData/Storage/Start")).isEqualTo("0");
    assertThat(x(d, "/Parallels_disk_image/StorageData/Storage/End")).isEqualTo("18433");
    assertThat(x(d, "/Parallels_disk_image/StorageData/Storage/Blocksize")).isEqualTo("2048");
    assertThat(x(d, "/Parallels_disk_image/StorageData/Storage/Image/Type")).isEqualTo("Compressed");
    assertThat(x(d, "/Parallels_disk_image/StorageData/Storage/Image/File")).isEqualTo("root.hds");
  }

  @Test
  void xml_expanded_oneSnapshotWhoseGuidIsTheTopImage() throws Exception {
    Document d = parse(DiskDescriptor.xml(ParallelsGeometry.of(1 << 20), PloopFormat.EXPANDED));

    String image = x(d, "/Parallels_disk_image/StorageData/Storage/Image/GUID");
    assertThat(image).matches("\\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\}");
    assertThat(x(d, "/Parallels_disk_image/Snapshots/TopGUID")).isEqualTo(image);
    assertThat(x(d, "count(/Parallels_disk_image/Snapshots/Shot)")).isEqualTo("1");
    assertThat(x(d, "/Parallels_disk_image/Snapshots/Shot/GUID")).isEqualTo(image);
    assertThat(x(d, "/Parallels_disk_image/Snapshots/Shot/ParentGUID"))
        .isEqualTo("{00000000-0000-0000-0000-000000000000}");
  }

  @Test
  void xml_raw_imageTypeIsPlain() throws Exception {
    Document d = parse(DiskDescriptor.xml(ParallelsGeometry.of(1 << 20), PloopFormat.RAW));

    assertThat(x(d, "/Parallels_disk_image/StorageData/Storage/Image/Type")).isEqualTo("Plain");
  }

  @Test
  void sectorsPerTrack_diskSmallerThanOneCylinder_noDivisionByZero() {
    assertThat(DiskDescriptor.sectorsPerTrack(ParallelsGeometry.of(100 * 1024))).isEqualTo(32);
  }

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static String x(Document d, String path) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(path, d);
  }
}
