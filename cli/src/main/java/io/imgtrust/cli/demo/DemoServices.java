package io.imgtrust.cli.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The services the demo may use beyond the local machine, as {@code scripts/run-demo.sh} started them: a Glance v2
 * API, a Ceph cluster, an LVM volume group. Each is optional; what is not given is skipped and said so.
 */
final class DemoServices {
  @Option(names = "--glance", paramLabel = "URL",
      description = "A Glance v2 endpoint (no authentication) to upload the signed image to and fetch it from.")
  String glance;

  @Option(names = "--glance-store", paramLabel = "DIR",
      description = "That Glance's file store directory, to show a byte flipped in the store refused.")
  Path glanceStore;

  @Option(names = "--ceph-conf", paramLabel = "FILE", converter = io.imgtrust.cli.AbsolutePath.class,
      description = "A Ceph cluster (client.admin in its config) for the rbd backend, import and clone mode.")
  Path cephConf;

  @Option(names = "--lvm-vg", paramLabel = "VG", description = "A volume group for the lvm backend.")
  String volumeGroup;

  /** The backends the demo spawns through: flat, qcow2 and ploop always; lvm and rbd when their service is given. */
  List<String> backends() {
    List<String> t = new ArrayList<>(List.of("flat", "qcow2", "ploop"));
    if (volumeGroup != null) {
      t.add("lvm");
    }
    if (cephConf != null) {
      t.add("rbd");
    }
    return t;
  }

  /** One line per service not given, saying what the demo leaves out. */
  List<String> skipped() {
    List<String> s = new ArrayList<>();
    if (glance == null) {
      s.add("Glance (no --glance): the image is filled from the local download, not fetched");
    }
    if (volumeGroup == null) {
      s.add("lvm (no --lvm-vg): no logical-volume spawn");
    }
    if (cephConf == null) {
      s.add("rbd (no --ceph-conf): no Ceph import or clone-mode spawn");
    }
    return s;
  }
}
