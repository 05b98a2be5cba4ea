package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict modes and bounded lock waits through the real command. */
class CacheStrictModesIT {
  private static final int LOCK_TIMEOUT_SECONDS = 2;

  @TempDir Path dir;
  private Path config;
  private Path base;

  @BeforeEach
  void setUp() throws Exception {
    config = dir.resolve("imgtrust.conf");
    Files.writeString(config, "[DEFAULT]\ninstances_path = " + dir.resolve("instances") + "\n[verification]\n"
        + "host_key_file = " + dir.resolve("keys/host.key") + "\n[image_cache]\nimmutable_files = false\nlock_timeout_seconds = "
        + LOCK_TIMEOUT_SECONDS + "\n");
    base = dir.resolve("instances/_base");
    Path image = dir.resolve("image.raw");
    String sha = ItFiles.writeImage(image, 4L << 20, 7, 0);
    OpensslPki.Result add = Launcher.run(config, "cache", "add", image.toString(), "--meta",
        ItFiles.meta(dir, "img-1", "raw", image, sha).toString());
    assertThat(add.exitCode()).as(add.describe()).isZero();
  }

  @Test
  void cacheVerify_baseWritableByOthers_exit4UnsafeCacheNamingPathAndFix() throws Exception {
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xrwx"));

    String message = assertRefused(Launcher.run(config, "cache", "verify", "img-1"), 4, "UNSAFE_CACHE")
        .get("message").asText();

    assertThat(message).contains("cache directory " + base).contains("chmod go-w " + base);
  }

  @Test
  void cacheVerify_hostKeyReadableByOthers_exit4UnsafeCache() throws Exception {
    Path key = dir.resolve("keys/host.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    String message = assertRefused(Launcher.run(config, "cache", "verify", "img-1"), 4, "UNSAFE_CACHE")
        .get("message").asText();

    assertThat(message).contains("chmod 600 " + key);
  }

  @Test
  void cacheVerify_lockHeldByAnotherProcess_exit4LockTimeoutNamingItsPid() throws Exception {
    Path lock = base.resolve(".imgtrust/locks/" + ItFiles.cacheName("img-1") + ".lock");
    Process holder = new ProcessBuilder("/usr/bin/python3", "-c", "import fcntl,sys,time\n"
        + "f=open(sys.argv[1],'a')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(300)",
        lock.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      long t0 = System.nanoTime();

      OpensslPki.Result r = Launcher.run(config, "cache", "verify", "img-1");

      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      String message = assertRefused(r, 4, "LOCK_TIMEOUT").get("message").asText();
      assertThat(message).contains(lock.toString()).contains("held by pid " + holder.pid());
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(LOCK_TIMEOUT_SECONDS))
          .isLessThan(Duration.ofSeconds(LOCK_TIMEOUT_SECONDS + 30));
    } finally {
      holder.destroyForcibly().waitFor();
    }
    assertThat(Launcher.run(config, "cache", "verify", "img-1").exitCode()).isZero();
  }
}
