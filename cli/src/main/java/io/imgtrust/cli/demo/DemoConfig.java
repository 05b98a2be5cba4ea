package io.imgtrust.cli.demo;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The demo's host configurations: one trust setting (certificates, trusted roots) and the services given, and per
 * "host" its own instances path, cache and host key, as two compute hosts of one cluster would have. The rbd cluster
 * key is made once and shared, as an operator distributes it.
 */
final class DemoConfig {
  private final Path dir;
  private final Path certs;
  private final Path trusted;
  private final DemoServices services;
  private final String secretUuid = UUID.randomUUID().toString();

  DemoConfig(Path dir, Path certs, Path trusted, DemoServices services) throws IOException {
    this.dir = dir;
    this.certs = certs;
    this.trusted = trusted;
    this.services = services;
    if (services.cephConf != null) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      Path key = Files.write(clusterKey(), k);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private Path clusterKey() {
    return dir.resolve("cluster.key");
  }

  /**
   * Writes and loads the configuration of host {@code host} ({@code imgtrust.conf}, {@code instances/} and
   * {@code host.key} for the first host, {@code <host>.conf} and friends for the others) with rbd in {@code rbdMode}.
   */
  ImgtrustConfig write(String host, String rbdMode) throws IOException, ImageTrustException {
    boolean first = host.isEmpty();
    Path conf = dir.resolve(first ? "imgtrust.conf" : host + ".conf");
    Files.writeString(conf, String.join("\n", lines(first ? "" : host + "-", rbdMode)));
    return ConfigLoader.load(conf);
  }

  /** The path of host {@code host}'s configuration file. */
  Path file(String host) {
    return dir.resolve(host.isEmpty() ? "imgtrust.conf" : host + ".conf");
  }

  private List<String> lines(String prefix, String rbdMode) {
    // A demo choice: cache files stay removable (rm -rf of the demo directory); production keeps the default, true.
    List<String> l = new ArrayList<>(List.of("[DEFAULT]", "instances_path = " + dir.resolve(prefix + "instances"), "",
        "[image_cache]", "immutable_files = false", "", "[verification]", "verify_signatures = true",
        "certificates_dir = " + certs, "trusted_certs_dir = " + trusted,
        "host_key_file = " + dir.resolve(prefix + "host.key"), "", "[libvirt]"));
    if (services.volumeGroup != null) {
      l.addAll(List.of("images_volume_group = " + services.volumeGroup, "volume_clear = zero"));
    }
    if (services.cephConf != null) {
      l.addAll(List.of("images_rbd_ceph_conf = " + services.cephConf, "rbd_user = admin",
          "rbd_secret_uuid = " + secretUuid, "", "[rbd]", "mode = " + rbdMode, "cluster_key_file = " + clusterKey()));
    }
    if (services.glance != null) {
      l.addAll(List.of("", "[glance]", "api_servers = " + services.glance));
    }
    l.add("");
    return l;
  }
}
