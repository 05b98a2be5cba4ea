package io.imgtrust.cli;

import static io.imgtrust.cli.ItFiles.tool;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgtrust.core.metrics.PrometheusText;
import io.imgtrust.core.metrics.WarnCounter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mode = warn} through the real command: a tampered base is let through, and the failure is in the spawn
 * report, in {@code [DEFAULT] log_file} (also from the libvirt hook, run directly with the domain XML on stdin, as
 * libvirt runs it; no hook is installed and libvirtd is not involved) and in the warn counter beside
 * {@code metrics_file}.
 */
class WarnModeIT {
  private static final int NOBODY = 65534;
  private static final String ID = "warn-img";
  private static final long SIZE = (9L << 20) + 4096;
  /** In chunk 1 (4 MiB chunks). */
  private static final long ROT_AT = (4L << 20) + 99;

  @TempDir Path dir;
  private Path log;
  private Path metrics;
  private Path base;

  private Path config(String mode) throws Exception {
    log = Files.createDirectories(dir.resolve("log")).resolve("imgtrust.log");
    metrics = Files.createDirectories(dir.resolve("metrics")).resolve("imgtrust.prom");
    Path c = dir.resolve("imgtrust-" + mode + ".conf");
    Files.writeString(c, "[DEFAULT]\ninstances_path = " + dir.resolve("instances") + "\nlog_file = " + log
        + "\n[image_cache]\nimmutable_files = false\nmetrics_file = " + metrics + "\n[verification]\nhost_key_file = "
        + dir.resolve("host.key") + "\nmode = " + mode + "\n");
    return c;
  }

  @BeforeEach
  void fillCache() throws Exception {
    Path image = dir.resolve("image.raw");
    String sha = writeImage(image, SIZE, 7, 0);
    OpensslPki.Result r = Launcher.run(config("warn"), "cache", "add", image.toString(), "--meta",
        ItFiles.meta(dir, ID, "raw", image, sha).toString());
    assertThat(r.exitCode()).as(r.describe()).isZero();
    base = dir.resolve("instances/_base").resolve(ItFiles.cacheName(ID));
    assertThat(base).exists();
  }

  private OpensslPki.Result spawn(Path cfg, String type, String instance) {
    return Launcher.run(cfg, "spawn", "--instance", instance, "--image", ID, "--images-type", type);
  }

  private double counted(String check) throws Exception {
    return PrometheusText.readSamples(WarnCounter.fileFor(metrics)).getOrDefault(WarnCounter.NAME
        + "{reason=\"DIGEST_MISMATCH\",check=\"" + check + "\"}", 0.0);
  }

  private List<String> logLines() throws Exception {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private static void assertFailedReport(OpensslPki.Result r) {
    assertThat(r.exitCode()).as(r.describe()).isZero();
    JsonNode v = json(r).path("verification");
    assertThat(v.path("check").asText()).as(r.describe()).isEqualTo("failed");
    assertThat(v.path("verified").asText()).as(r.describe()).contains("FAILED").contains("DIGEST_MISMATCH")
        .doesNotContain("skipped");
    assertThat(v.path("failure").path("reason").asText()).as(r.describe()).isEqualTo("DIGEST_MISMATCH");
    assertThat(v.path("failure").path("chunk").asLong()).as(r.describe()).isEqualTo(1);
    assertThat(v.path("failure").path("offset").asLong()).as(r.describe()).isEqualTo(4L << 20);
    assertThat(v.path("bytes_hashed").asLong()).as(r.describe()).isPositive();
  }

  @Test
  void spawnQcow2_flippedBaseByteInWarnMode_reportSaysFailedLoggedAndCounted() throws Exception {
    ItFiles.rot(base, ROT_AT);

    OpensslPki.Result r = spawn(config("warn"), "qcow2", "vm-q");

    assertFailedReport(r);
    assertThat(json(r).at("/verification/bytes_hashed").asLong()).as("the recheck ran over the whole base")
        .isEqualTo(SIZE);
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("[WARN]").contains(ID)
        .contains("DIGEST_MISMATCH"));
    assertThat(counted("recheck")).isEqualTo(1);
    assertThat(base).as("warn mode keeps the entry in place").exists();
  }

  @Test
  void spawnFlat_flippedCacheByteInWarnMode_diskIsTheCacheBytesReportSaysFailedCounted() throws Exception {
    ItFiles.rot(base, ROT_AT);

    OpensslPki.Result r = spawn(config("warn"), "flat", "vm-f");

    assertFailedReport(r);
    Path disk = Path.of(json(r).at("/disk/target").asText());
    assertThat(tool("cmp", base.toString(), disk.toString()).exitCode()).isZero();
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("[WARN]").contains("vm-f").contains(ID)
        .contains("DIGEST_MISMATCH"));
    assertThat(counted("import")).isEqualTo(1);
    assertThat(base).exists();
  }

  @Test
  void hook_flippedBaseByteInWarnMode_bootGoesOnFailureInLogFileWithDomainAndCounted() throws Exception {
    OpensslPki.Result r = hookAfterRot("warn", "vm-h");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stderr()).as("the hook's stderr is libvirt's error message").isEmpty();
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("hook qemu vm-h").contains("[WARN]").contains(ID)
        .contains("DIGEST_MISMATCH"));
    assertThat(counted("recheck")).isEqualTo(1);
  }

  @Test
  void hook_domainNamedDemoOrVerbose_logLevelStaysTheHooksAndTheFailureIsLogged() throws Exception {
    // Before the fix, a domain named "demo" set the level to ERROR: warn mode's failure line was lost.
    OpensslPki.Result r = hookAfterRot("warn", "demo");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("hook qemu demo").contains("[WARN]")
        .contains("DIGEST_MISMATCH"));
  }

  @Test
  void hook_flippedBaseByteInEnforceMode_refusalAlsoInLogFileWithDomain() throws Exception {
    OpensslPki.Result r = hookAfterRot("enforce", "vm-e");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
    assertThat(r.stderr().strip()).startsWith("imgtrust: DIGEST_MISMATCH:").doesNotContain("\n");
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("hook qemu vm-e").contains("[ERROR]")
        .contains("domain vm-e: start refused: DIGEST_MISMATCH"));
    assertThat(counted("recheck")).isZero();
  }

  @Test
  void hookInstall_saysWhereTheHookLogs() throws Exception {
    OpensslPki.Result r = Launcher.run(config("warn"), "hook", "install", "--hooks-dir",
        dir.resolve("hooks").toString());

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(json(r).path("log").asText()).isEqualTo(log.toString());
  }

  /**
   * Spawns a qcow2 instance {@code domain} (base intact), flips a base byte, then runs the hook on a domain with the
   * disk spawn made, as libvirt would on its next start.
   */
  private OpensslPki.Result hookAfterRot(String mode, String domain) throws Exception {
    return hookAfterRot(mode, domain, () -> { });
  }

  /** As above, running {@code beforeHook} just before the hook. */
  private OpensslPki.Result hookAfterRot(String mode, String domain, Step beforeHook) throws Exception {
    Path cfg = config(mode);
    OpensslPki.Result spawned = spawn(cfg, "qcow2", domain);
    assertThat(spawned.exitCode()).as(spawned.describe()).isZero();
    ItFiles.rot(base, ROT_AT);
    beforeHook.run();
    return hook(cfg, domain, "<domain type='qemu'><name>" + domain + "</name><devices>"
        + json(spawned).at("/disk/xml").asText() + "</devices></domain>");
  }

  /** Runs the hook as its script does: {@code hook qemu -- DOMAIN prepare begin -}, the domain XML on stdin. */
  private OpensslPki.Result hook(Path cfg, String domain, String xml) throws Exception {
    Path in = Files.writeString(dir.resolve("hook-" + domain + ".xml"), xml);
    List<String> cmd = new ArrayList<>(List.of(Launcher.locate().toString(), "--config", cfg.toString(), "hook",
        "qemu", "--", domain, "prepare", "begin", "-"));
    Path out = dir.resolve("hook.out");
    Path err = dir.resolve("hook.err");
    Process p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    boolean finished = p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("hook finished").isTrue();
    return new OpensslPki.Result(cmd, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A step that may throw. */
  private interface Step {
    void run() throws Exception;
  }

  /**
   * The log and metrics directories belong to another user (uid 65534), who planted a FIFO, a symbolic link to a
   * root-only file, or one to /dev/zero as the log file and the warn counter file: the hook neither hangs nor
   * follows a link, logs and counts nothing there, and exits as the check says.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"warn,fifo", "enforce,fifo", "warn,victim", "warn,devzero"})
  void hook_logAndMetricsDirectoriesOfAnotherUserWithPlantedFiles_noHangNothingFollowedExitAsChecked(String mode,
      String planted) throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "ROOT ONLY\n");
    long started = System.nanoTime();
    OpensslPki.Result r = hookAfterRot(mode, "vm-" + planted, () -> {
      for (Path f : List.of(log, WarnCounter.fileFor(metrics))) {
        Files.setAttribute(f.getParent(), "unix:uid", NOBODY);
        Files.deleteIfExists(f);
        if (planted.equals("devzero")) {
          Files.createSymbolicLink(f, Path.of("/dev/zero"));
        } else {
          LoggingTest.plant(planted, f, victim);
        }
      }
    });

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(mode.equals("warn") ? 0 : 3);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(90));
    assertThat(Files.readString(victim)).isEqualTo("ROOT ONLY\n");
    assertThat(Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)).as("the planted log stays").isFalse();
  }
}
