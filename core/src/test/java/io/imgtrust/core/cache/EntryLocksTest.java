package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.internal.locks.EntryLocks;
import io.imgtrust.core.testing.Refusals;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryLocksTest {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path tmp;
  private CacheLayout layout;
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws Exception {
    layout = CacheLayout.open(tmp.resolve("instances/_base"));
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  private EntryLocks locks(long millis) {
    return new EntryLocks(layout.locks(), Duration.ofMillis(millis));
  }

  private Path lockFile(String name) {
    return layout.locks().resolve(name + ".lock");
  }

  @Test
  void acquire_newLockFile_mode0600() throws Exception {
    try (EntryLocks.Held h = locks(1000).acquire("a")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile("a")))).isEqualTo("rw-------");
    }
  }

  @Test
  void acquire_danglingSymlinkPlanted_refusedAndTargetNotCreated() throws Exception {
    Path target = tmp.resolve("etc-something");
    Files.createSymbolicLink(lockFile("a"), target);

    ImageTrustException e = Refusals.refused(Reason.UNSAFE_CACHE, () -> locks(1000).acquire("a"));

    assertThat(e.getMessage()).contains(lockFile("a").toString()).contains("symbolic link");
    assertThat(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void acquire_symlinkToExistingFile_refusedAndTargetUntouched() throws Exception {
    Path target = Files.writeString(tmp.resolve("precious"), "keep me");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(lockFile("a"), target);

    Refusals.refused(Reason.UNSAFE_CACHE, () -> locks(1000).acquire("a"));

    assertThat(Files.readString(target)).isEqualTo("keep me");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
  }

  @Test
  void acquire_heldByAnotherThread_lockTimeoutWithinBound() throws Exception {
    EntryLocks locks = locks(300);
    try (EntryLocks.Held h = locks.acquire("a")) {
      long t0 = System.nanoTime();
      Future<ImageTrustException> other = pool.submit(
          () -> catchThrowableOfType(ImageTrustException.class, () -> locks.acquire("a")));

      ImageTrustException e = other.get(10, TimeUnit.SECONDS);

      assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      assertThat(e.getMessage()).contains("another thread of this process").contains("lock_timeout_seconds");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void acquire_againByTheHoldingThread_bugReportedAtOnceNotAWait() throws Exception {
    EntryLocks locks = locks(60_000);
    try (EntryLocks.Held h = locks.acquire("a")) {
      long t0 = System.nanoTime();

      assertThatThrownBy(() -> locks.acquire("a")).isInstanceOf(IllegalStateException.class);

      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(pool.submit(() -> {
      locks.acquire("a").close();
      return true;
    }).get(10, TimeUnit.SECONDS)).isTrue(); // nothing left held
  }

  @Test
  void acquire_interruptedWhileWaiting_endsTypedWithInterruptFlagSet() throws Exception {
    EntryLocks locks = locks(60_000);
    try (EntryLocks.Held h = locks.acquire("a")) {
      Future<Object[]> other = pool.submit(() -> {
        ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> locks.acquire("a"));
        return new Object[] {e, Thread.currentThread().isInterrupted()};
      });
      Thread.sleep(200);
      pool.shutdownNow();

      Object[] r = other.get(10, TimeUnit.SECONDS);

      assertThat(((ImageTrustException) r[0]).reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      assertThat(((ImageTrustException) r[0]).getMessage()).contains("interrupted");
      assertThat((Boolean) r[1]).isTrue();
    }
    try (EntryLocks.Held again = locks(1000).acquire("a")) {
      assertThat(again).isNotNull(); // the interrupted waiter left nothing held
    }
  }

  @Test
  void acquire_heldByAnotherProcess_lockTimeoutNamingItsPid() throws Exception {
    locks(1000).acquire("a").close();
    Process holder = new ProcessBuilder(PYTHON, "-c", "import fcntl,sys,time\nf=open(sys.argv[1],'r+')\n"
        + "fcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(120)", lockFile("a").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      long t0 = System.nanoTime();

      ImageTrustException e = pool.submit(() -> catchThrowableOfType(ImageTrustException.class,
          () -> locks(1000).acquire("a"))).get(10, TimeUnit.SECONDS);

      Duration waited = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      assertThat(e.getMessage()).contains("held by pid " + holder.pid() + " (python3)");
      assertThat(waited).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
    } finally {
      holder.destroyForcibly().waitFor();
    }
    try (EntryLocks.Held again = locks(5000).acquire("a")) {
      assertThat(again).isNotNull(); // the kernel released the dead holder's lock
    }
  }

  @Test
  void acquire_secondInstanceOnTheSameDirectoryTimesOut_firstInstanceStillHoldsTheProcessLock() throws Exception {
    EntryLocks first = locks(1000);
    try (EntryLocks.Held h = first.acquire("a")) {
      ImageTrustException e = pool.submit(() -> catchThrowableOfType(ImageTrustException.class,
          () -> locks(300).acquire("a"))).get(10, TimeUnit.SECONDS);

      assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      assertThat(probe(lockFile("a"))).as("the fcntl lock another process sees").isEqualTo("held");
    }
    assertThat(probe(lockFile("a"))).isEqualTo("free");
  }

  /** Whether another process can take the fcntl lock on {@code file} now: "held" or "free". */
  static String probe(Path file) throws Exception {
    Process p = new ProcessBuilder(PYTHON, "-c", "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n"
        + "  fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\nexcept OSError: print('held')\n",
        file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void lockFile_unprivilegedUser_cannotOpenIt() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    locks(1000).acquire("a").close();
    Path control = Files.writeString(layout.records().resolve("control"), "x");
    String open = "import sys\ntry:\n  open(sys.argv[1]).close(); print('opened')\n"
        + "except PermissionError: print('EACCES')\n";

    assertThat(asNobody(open, control)).isEqualTo("opened"); // the records directory itself is readable
    assertThat(asNobody(open, lockFile("a"))).isEqualTo("EACCES");
  }

  private static String asNobody(String script, Path file) throws Exception {
    Process p = new ProcessBuilder(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PYTHON,
        "-c", script, file.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
