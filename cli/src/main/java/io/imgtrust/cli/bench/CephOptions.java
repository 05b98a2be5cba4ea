package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the Ceph cluster of {@code bench rbd} is ({@code --ceph-conf}, {@code --pool}), and whether it answers. */
final class CephOptions {
  @Option(names = "--ceph-conf", paramLabel = "FILE", converter = io.imgtrust.cli.AbsolutePath.class,
      description = "Ceph configuration (default: "
      + "$IMGTRUST_CEPH_CONF, else /run/imgtrust-ceph/ceph.conf, where scripts/ceph-up.sh puts it).")
  Path cephConf;

  @Option(names = "--pool", defaultValue = "rbd", description = "Pool (default: ${DEFAULT-VALUE}).")
  String pool = "rbd";

  private final Probe.Once checked = new Probe.Once();

  /** The {@code [libvirt]} lines of a benchmark config that imports into this pool. */
  String configLines() {
    return "images_rbd_pool = " + pool + "\nimages_rbd_ceph_conf = " + conf()
        + "\nrbd_secret_uuid = 00000000-0000-4000-8000-000000000000\n";
  }

  /** The Ceph configuration: {@code --ceph-conf}, else {@code $IMGTRUST_CEPH_CONF}, else scripts/ceph-up.sh's. */
  Path conf() {
    if (cephConf != null) {
      return cephConf;
    }
    String env = System.getenv("IMGTRUST_CEPH_CONF");
    return Path.of(env != null && !env.isEmpty() ? env : "/run/imgtrust-ceph/ceph.conf");
  }

  /**
   * Checks that the configuration is readable and the cluster lists the pool.
   *
   * @throws ImageTrustException {@code CEPH_ERROR} saying which
   */
  void require() throws ImageTrustException {
    checked.require(this::check);
  }

  private void check() throws ImageTrustException {
    Path conf = conf();
    if (!Files.isReadable(conf)) {
      throw ImageTrustException.of(Reason.CEPH_ERROR, "no Ceph configuration at " + conf
          + " (run scripts/ceph-up.sh start, or give --ceph-conf)");
    }
    Probe.require(Reason.CEPH_ERROR, "the Ceph cluster of " + conf + " does not list pool " + pool,
        List.of("rbd", "--conf", conf.toString(), "--client_mount_timeout", "10", "ls", pool));
  }
}
