package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The Ceph cluster the integration tests run against: the one {@code scripts/ceph-up.sh start} made (its
 * {@code ceph.conf} at {@code $IMGTRUST_CEPH_CONF}, else {@code /run/imgtrust-ceph/ceph.conf}). No cluster fails the
 * test; it never skips. Each test class works in its own pool.
 */
final class CephTestCluster {
  /** A libvirt secret UUID for configurations that never boot. */
  static final String SOME_SECRET = "6f0b3c0e-4a0b-4c55-9d3f-2f1c7a9b1e01";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CephTestCluster() {}

  static Path conf() {
    String env = System.getenv("IMGTRUST_CEPH_CONF");
    Path conf = Path.of(env != null && !env.isEmpty() ? env : "/run/imgtrust-ceph/ceph.conf");
    assertThat(Files.isReadable(conf)).as("no Ceph cluster: %s is missing; run scripts/ceph-up.sh start", conf)
        .isTrue();
    return conf;
  }

  /** The configuration lines for the rbd backend in {@code pool}. */
  static String config(String pool) {
    return "[libvirt]\nimages_rbd_pool = " + pool + "\nimages_rbd_ceph_conf = " + conf() + "\nrbd_secret_uuid = "
        + SOME_SECRET + "\nrbd_connect_timeout = 5\n";
  }

  /** A new cluster key (32 random bytes, 0600) at {@code file}. */
  static Path clusterKey(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, java.security.SecureRandom.getSeed(32));
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** The configuration lines for clone mode in {@code pool} with the cluster key {@code key}. */
  static String cloneConfig(String pool, Path key) {
    return config(pool) + "[rbd]\nmode = clone\ncluster_key_file = " + key + "\n";
  }

  /** A new pool {@code <prefix>-<random>} of one placement group, tagged for rbd. */
  static String newPool(String prefix) throws Exception {
    String pool = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    ceph("osd", "pool", "create", pool, "1", "1", "replicated", "--size", "1");
    ceph("osd", "pool", "application", "enable", pool, "rbd");
    return pool;
  }

  static void deletePool(String pool) throws Exception {
    ceph("osd", "pool", "delete", pool, pool, "--yes-i-really-really-mean-it");
  }

  /** {@code rbd ls} of the pool. */
  static List<String> ls(String pool) throws Exception {
    String out = run("rbd", "ls", pool).trim();
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
  }

  /** {@code rbd export} of {@code pool/image} into a file in {@code dir}. */
  static Path export(String pool, String image, Path dir) throws Exception {
    Path out = dir.resolve("export-" + image);
    Files.deleteIfExists(out);
    run("rbd", "export", "--no-progress", pool + "/" + image, out.toString());
    return out;
  }

  /** The first {@code length} bytes of a prepared disk {@code pool/image}, through {@code rbd export} into {@code dir}. */
  static byte[] readDisk(String pool, String target, int length, Path dir) throws Exception {
    String image = target.substring(pool.length() + 1);
    return java.util.Arrays.copyOf(Files.readAllBytes(export(pool, image, dir)), length);
  }

  /** Whether any image of {@code instance} (its disks, or their temporaries) is in the pool. */
  static boolean anythingLeftFor(String pool, String instance) throws Exception {
    return ls(pool).stream().anyMatch(i -> i.startsWith(instance + "_"));
  }

  /** The RBD image id of {@code pool/image} ({@code rbd info}). */
  static String imageId(String pool, String image) throws Exception {
    return JSON.readTree(run("rbd", "info", "--format", "json", pool + "/" + image)).get("id").asText();
  }

  /** The id of snapshot {@code snap} of {@code pool/image}. */
  static long snapId(String pool, String image, String snap) throws Exception {
    for (JsonNode s : JSON.readTree(run("rbd", "snap", "ls", "--format", "json", pool + "/" + image))) {
      if (s.get("name").asText().equals(snap)) {
        return s.get("id").asLong();
      }
    }
    throw new AssertionError("no snapshot " + snap + " of " + pool + "/" + image);
  }

  /** Every metadata key of {@code pool/image} with its exact value. */
  static Map<String, String> metadata(String pool, String image) throws Exception {
    Map<String, String> m = new java.util.TreeMap<>();
    JSON.readTree(run("rbd", "image-meta", "list", "--format", "json", pool + "/" + image)).fields()
        .forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
    return m;
  }

  /** Sets metadata {@code key} of {@code pool/image} to {@code value}. */
  static void setMetadata(String pool, String image, String key, String value) throws Exception {
    run("rbd", "image-meta", "set", pool + "/" + image, key, value);
  }

  /** Imports {@code bytes} as {@code pool/image} with a protected snapshot {@code snap}, as a pool writer could. */
  static void importWithSnapshot(String pool, String image, byte[] bytes, String snap, Path dir) throws Exception {
    Path file = Files.write(dir.resolve("import-" + image + ".raw"), bytes);
    run("rbd", "import", "--no-progress", file.toString(), pool + "/" + image);
    run("rbd", "snap", "create", pool + "/" + image + "@" + snap);
    run("rbd", "snap", "protect", pool + "/" + image + "@" + snap);
  }

  static String ceph(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "ceph";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return run(cmd);
  }

  /** Runs a Ceph tool against the cluster; its exit status must be 0. */
  static String run(String... cmd) throws Exception {
    Result r = tryRun(cmd);
    assertThat(r.rc).as("%s failed: %s%s", String.join(" ", cmd), r.out, r.err).isZero();
    return r.out;
  }

  static Result tryRun(String... cmd) throws IOException, InterruptedException {
    Path err = Files.createTempFile("ceph-tool-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.environment().put("CEPH_CONF", conf().toString());
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s timed out", String.join(" ", cmd)).isTrue();
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
    } finally {
      Files.delete(err);
    }
  }

  static final class Result {
    final int rc;
    final String out;
    final String err;

    Result(int rc, String out, String err) {
      this.rc = rc;
      this.out = out;
      this.err = err;
    }
  }
}
