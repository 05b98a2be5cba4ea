package io.imgtrust.cli;

import static io.imgtrust.cli.ItFiles.tool;
import static io.imgtrust.cli.ItFiles.tryTool;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imgtrust spawn} with {@code images_type = rbd} on the real cluster of {@code scripts/ceph-up.sh} (its conf at
 * {@code $IMGTRUST_CEPH_CONF}, else {@code /run/imgtrust-ceph/ceph.conf}; no cluster fails the test): SIGKILL during
 * the import, a stopped cluster (a second one this test starts), and a boot through the real libvirtd with cephx
 * through a libvirt secret.
 */
class RbdSpawnIT {
  @TempDir static Path dir;
  private static Path cephConf;
  private static String pool;
  private static Path config;
  private static Path big;

  @BeforeAll
  static void setUp() throws Exception {
    String env = System.getenv("IMGTRUST_CEPH_CONF");
    cephConf = Path.of(env != null && !env.isEmpty() ? env : "/run/imgtrust-ceph/ceph.conf");
    assertThat(Files.isReadable(cephConf)).as("no Ceph cluster: run scripts/ceph-up.sh start").isTrue();
    pool = "spawn-" + UUID.randomUUID().toString().substring(0, 8);
    ceph("osd", "pool", "create", pool, "8", "8", "replicated", "--size", "1");
    ceph("osd", "pool", "application", "enable", pool, "rbd");
    config = writeConfig(dir, cephConf, UUID.randomUUID().toString(), 5);
    big = dir.resolve("big.raw");
    String sha = writeImage(big, 512L << 20, 21, 0);
    assertThat(Launcher.run(config, "cache", "add", big.toString(), "--meta",
        ItFiles.meta(dir, "big-1", "raw", big, sha).toString()).exitCode()).isZero();
  }

  @AfterAll
  static void dropPool() {
    tryTool("ceph", "--conf", cephConf.toString(), "osd", "pool", "delete", pool, pool,
        "--yes-i-really-really-mean-it");
  }

  static Path writeConfig(Path at, Path ceph, String secret, int timeout) throws Exception {
    Path c = Files.createTempFile(at, "imgtrust-", ".conf");
    Files.writeString(c, "[DEFAULT]\ninstances_path = " + at.resolve("instances") + "\n" + ItFiles.NOT_IMMUTABLE
        + "[libvirt]\nimages_type = rbd\nimages_rbd_pool = " + pool + "\nimages_rbd_ceph_conf = " + ceph
        + "\nrbd_secret_uuid = " + secret + "\nrbd_connect_timeout = " + timeout
        + "\n[verification]\nhost_key_file = " + at.resolve("host.key") + "\n");
    return c;
  }

  private static String ceph(String... args) {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "ceph";
    cmd[1] = "--conf";
    cmd[2] = cephConf.toString();
    System.arraycopy(args, 0, cmd, 3, args.length);
    return tool(cmd).stdout();
  }

  private static List<String> rbdLs() {
    String out = tool("rbd", "--conf", cephConf.toString(), "ls", pool).stdout().trim();
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
  }

  private static void rbdRm(String image) {
    tool("rbd", "--conf", cephConf.toString(), "rm", "--no-progress", pool + "/" + image);
  }

  @Test
  void cacheBaseRemove_refusedWhileACloneExistsThenRemovesTheBase_unknownIdTyped() throws Exception {
    Path key = dir.resolve("cluster.key");
    Files.write(key, java.security.SecureRandom.getSeed(32));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path clone = writeConfig(dir, cephConf, UUID.randomUUID().toString(), 5);
    Files.writeString(clone, Files.readString(clone) + "[rbd]\nmode = clone\ncluster_key_file = " + key + "\n");
    Path small = dir.resolve("small.raw");
    String sha = writeImage(small, 3L << 20, 5, 0);
    assertThat(Launcher.run(clone, "cache", "add", small.toString(), "--meta",
        ItFiles.meta(dir, "small-1", "raw", small, sha).toString()).exitCode()).isZero();
    OpensslPki.Result spawned = Launcher.run(clone, "spawn", "--instance", "vm-base", "--image", "small-1");
    assertThat(spawned.exitCode()).as(spawned.describe()).isZero();
    String base = rbdLs().stream().filter(i -> i.startsWith("imgtrust-base_")).findFirst().orElseThrow();

    JsonNode busy = assertRefused(Launcher.run(clone, "cache", "base-remove", "small-1"), 3,
        "BASE_IN_USE");
    assertThat(busy.path("message").asText()).contains("has 1 clone");
    assertThat(rbdLs()).contains(base, "vm-base_disk");
    OpensslPki.Result listed = Launcher.run(clone, "cache", "base-list");
    JsonNode listedBase = Launcher.json(listed).path("bases").path(0);
    assertThat(listedBase.path("name").asText()).isEqualTo(pool + "/" + base);
    assertThat(listedBase.path("clones").asInt()).isEqualTo(1);
    assertRefused(Launcher.run(clone, "cache", "base-remove", "no-such-image"), 2, "IMAGE_NOT_FOUND");

    rbdRm("vm-base_disk");
    OpensslPki.Result removed = Launcher.run(clone, "cache", "base-remove", "small-1");

    assertThat(removed.exitCode()).as(removed.describe()).isZero();
    assertThat(rbdLs()).noneMatch(i -> i.startsWith("imgtrust-base_"));
  }

  @Test
  void spawn_killedMidImport_noInstanceDiskAndALaterSpawnRemovesTheLeftoverAndWorks() throws Exception {
    Process p = new ProcessBuilder(Launcher.command(config, "spawn", "--instance", "vm-kill", "--image", "big-1"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String partial = null;
    while (partial == null && p.isAlive() && System.nanoTime() < deadline) {
      partial = rbdLs().stream().filter(i -> i.startsWith("vm-kill_disk~import-")).findFirst().orElse(null);
      Thread.sleep(20);
    }
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(partial).as("the kill hit the import").isNotNull();
    assertThat(rbdLs()).doesNotContain("vm-kill_disk");
    Thread.sleep(7000); // the killed client's watch on its temporary ends (osd client watch timeout = 5 s)

    OpensslPki.Result again = Launcher.run(config, "spawn", "--instance", "vm-kill", "--image", "big-1");

    try {
      assertThat(again.exitCode()).as(again.describe()).isZero();
      assertThat(rbdLs().stream().filter(i -> i.startsWith("vm-kill_"))).containsExactly("vm-kill_disk");
      OpensslPki.Result cmp = tool("qemu-img", "compare", "-f", "raw", "-F", "raw", big.toString(),
          "rbd:" + pool + "/vm-kill_disk:conf=" + cephConf);
      assertThat(cmp.stdout()).contains("Images are identical");
    } finally {
      rbdRm("vm-kill_disk");
    }
  }

  @Test
  void spawn_clusterStopped_exit4CephErrorWithinTheConnectTimeout() throws Exception {
    Path secondDir = Path.of("/run/imgtrust-ceph-it-" + ProcessHandle.current().pid());
    String[] env = {"IMGTRUST_CEPH_DIR=" + secondDir, "IMGTRUST_CEPH_PORT=3340", "IMGTRUST_CEPH_GB=2"};
    Path script = Launcher.locate().getParent().resolve("scripts/ceph-up.sh");
    tool(concat(List.of("env"), Arrays.asList(env), List.of(script.toString(), "start")));
    try {
      Path second = secondDir.resolve("ceph.conf");
      tool("ceph", "--conf", second.toString(), "osd", "pool", "create", pool, "8", "8", "replicated", "--size", "1");
      tool("ceph", "--conf", second.toString(), "osd", "pool", "application", "enable", pool, "rbd");
      Path cfg = writeConfig(Files.createDirectories(dir.resolve("second")), second, UUID.randomUUID().toString(), 3);
      Path small = dir.resolve("small.raw");
      String sha = writeImage(small, 8L << 20, 22, 0);
      assertThat(Launcher.run(cfg, "spawn", "--instance", "vm-a", "--image", "small-1", "--file", small.toString(),
          "--meta", ItFiles.meta(dir, "small-1", "raw", small, sha).toString()).exitCode()).isZero();
      Path kept = keepClientFiles(secondDir, Files.createDirectories(dir.resolve("second-client")));
      Files.writeString(cfg, Files.readString(cfg).replace(second.toString(), kept.toString()));
      tool(concat(List.of("env"), Arrays.asList(env), List.of(script.toString(), "stop")));
      long t0 = System.nanoTime();

      JsonNode j = assertRefused(Launcher.run(cfg, "spawn", "--instance", "vm-b", "--image", "small-1"), 4,
          "CEPH_ERROR");

      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(j.get("errno").asText()).isEqualTo("ETIMEDOUT");
      assertThat(j.get("message").asText()).contains("rbd_connect_timeout = 3 s");
      assertThat(took).as("3 s connect timeout plus the JVM's start").isLessThan(Duration.ofSeconds(3 + 5));
    } finally {
      tryTool(concat(List.of("env"), Arrays.asList(env), List.of(script.toString(), "stop")));
    }
  }

  @Test
  void spawnBoot_domainRunsFromTheRbdDiskWithCephxThroughALibvirtSecret() throws Exception {
    String uuid = UUID.randomUUID().toString();
    Path secretXml = dir.resolve("secret.xml");
    Files.writeString(secretXml, "<secret ephemeral='no' private='yes'><uuid>" + uuid + "</uuid>"
        + "<usage type='ceph'><name>imgtrust-it " + uuid + "</name></usage></secret>");
    Path key = Files.createFile(dir.resolve("key-" + uuid), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(key, ceph("auth", "get-key", "client.admin").trim());
    Path cfg = writeConfig(dir, cephConf, uuid, 5); // the cache of setUp, another secret
    String domain = "imgtrust-it-rbd-" + ProcessHandle.current().pid();
    tool("virsh", "-c", "qemu:///system", "secret-define", secretXml.toString());
    try {
      tool("virsh", "-c", "qemu:///system", "secret-set-value", "--secret", uuid, "--file", key.toString());
      Files.delete(key);

      OpensslPki.Result r = Launcher.run(cfg, "spawn", "--instance", domain, "--image", "big-1", "--size", "1G",
          "--boot");

      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(tool("virsh", "-c", "qemu:///system", "domstate", domain).stdout()).contains("running");
      String live = tool("virsh", "-c", "qemu:///system", "dumpxml", domain).stdout();
      assertThat(live).contains("protocol='rbd' name='" + pool + "/" + domain + "_disk'").contains(uuid);
      assertThat(r.stdout() + r.stderr() + live).doesNotContain(ceph("auth", "get-key", "client.admin").trim());
    } finally {
      tryTool("virsh", "-c", "qemu:///system", "destroy", domain);
      tryTool("virsh", "-c", "qemu:///system", "undefine", domain);
      tryTool("virsh", "-c", "qemu:///system", "secret-undefine", uuid);
      tryTool("rbd", "--conf", cephConf.toString(), "rm", "--no-progress", pool + "/" + domain + "_disk");
    }
  }

  /** A copy of a cluster's client configuration and admin keyring that outlives the cluster's directory. */
  private static Path keepClientFiles(Path clusterDir, Path to) throws Exception {
    Files.copy(clusterDir.resolve("client.admin.keyring"), to.resolve("client.admin.keyring"));
    Path conf = to.resolve("ceph.conf");
    Files.writeString(conf, Files.readString(clusterDir.resolve("ceph.conf")).replace(clusterDir + "/", to + "/"));
    return conf;
  }

  private static String[] concat(List<String> a, List<String> b, List<String> c) {
    return java.util.stream.Stream.of(a, b, c).flatMap(List::stream).toArray(String[]::new);
  }
}
