package io.imgtrust.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.testing.CacheFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBuildTest {
  @TempDir Path root;
  private BackendContext ctx;
  private Path instances;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @BeforeEach
  void setUp() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");
    ctx = BackendContext.of(fx.conf, fx.cache);
    instances = fx.conf.path(Key.INSTANCES_PATH);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  private DiskBuild file(String instance) throws ImageTrustException {
    return DiskBuild.of(ctx, instance, "disk", "import", Publication.file());
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void run_builds_publishesUnderFinalNameOnly() throws Exception {
    DiskBuild b = file("vm-1");

    String got = b.run(tmp -> {
      Files.writeString(tmp, "bytes");
      return "built";
    });

    assertThat(got).isEqualTo("built");
    assertThat(b.target()).hasContent("bytes");
    assertThat(names(instances.resolve("vm-1"))).containsExactly("disk");
  }

  @Test
  void run_diskExists_targetExistsBuildsNothingKeepsDisk() throws Exception {
    Files.createDirectories(instances.resolve("vm-2"));
    Files.writeString(instances.resolve("vm-2/disk"), "mine");
    boolean[] ran = {false};

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> file("vm-2").run(tmp -> {
      ran[0] = true;
      return null;
    }));

    assertThat(e.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(ran[0]).isFalse();
    assertThat(instances.resolve("vm-2/disk")).hasContent("mine");
  }

  @Test
  void run_diskAppearsWhileBuilding_targetExistsKeepsItAndRemovesTemporary() throws Exception {
    DiskBuild b = file("vm-3");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> b.run(tmp -> {
      Files.writeString(tmp, "ours");
      Files.writeString(b.target(), "theirs");
      return null;
    }));

    assertThat(e.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(e.getMessage()).contains("appeared meanwhile");
    assertThat(names(instances.resolve("vm-3"))).containsExactly("disk");
    assertThat(b.target()).hasContent("theirs");
  }

  @Test
  void run_stepFails_undoneInstanceDirectoryRemoved() throws Exception {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> file("vm-4").run(tmp -> {
      Files.writeString(tmp, "half");
      throw ImageTrustException.of(Reason.DIGEST_MISMATCH, "bad chunk");
    }));

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(instances.resolve("vm-4")).doesNotExist();
  }

  @Test
  void run_stepIoFailure_ioErrorAndExistingInstanceDirectoryKept() throws Exception {
    Files.createDirectories(instances.resolve("vm-5"));
    Files.writeString(instances.resolve("vm-5/other"), "another disk");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> file("vm-5").run(tmp -> {
      Files.writeString(tmp, "half");
      throw new IOException("No space left on device");
    }));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(names(instances.resolve("vm-5"))).containsExactly("other");
  }

  @Test
  void run_staleTemporariesOfSameDisk_removedOthersKept() throws Exception {
    Path dir = Files.createDirectories(instances.resolve("vm-6"));
    Files.writeString(dir.resolve(".disk.import-dead"), "left by a killed build");
    Files.writeString(dir.resolve(".disk2.import-live"), "another disk's build");

    file("vm-6").run(tmp -> Files.writeString(tmp, "x"));

    assertThat(names(dir)).containsExactly(".disk2.import-live", "disk");
  }

  @Test
  void run_directoryPublication_emptyDirectoryMadeInTheWindow_notReplaced() throws Exception {
    DiskBuild b = DiskBuild.of(ctx, "vm-7", "disk.ploop", "import", Publication.directory());

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> b.run(tmp -> {
      Files.createDirectory(tmp);
      Files.writeString(tmp.resolve("root.hds"), "data");
      Files.createDirectory(b.target());
      return null;
    }));

    assertThat(e.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(b.target()).isEmptyDirectory();
    assertThat(names(instances.resolve("vm-7"))).containsExactly("disk.ploop");
  }

  @Test
  void run_twoBuildsOfOneDisk_serializedSecondSeesTargetExists() throws Exception {
    CountDownLatch firstBuilding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> first = pool.submit(() -> file("vm-8").run(tmp -> {
      Files.writeString(tmp, "first");
      firstBuilding.countDown();
      assertThat(awaitQuietly(release)).isTrue();
      assertThat(tmp).as("nobody removed our temporary").hasContent("first");
      return null;
    }));
    assertThat(firstBuilding.await(10, TimeUnit.SECONDS)).isTrue();
    Future<Object> second = pool.submit(() -> file("vm-8").run(tmp -> {
      Files.writeString(tmp, "second");
      return null;
    }));
    Thread.sleep(300);
    assertThat(second.isDone()).as("the second build waits for the disk's lock").isFalse();
    release.countDown();

    first.get(10, TimeUnit.SECONDS);
    Throwable failure = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
        () -> second.get(10, TimeUnit.SECONDS)).getCause();
    assertThat(failure).isInstanceOfSatisfying(ImageTrustException.class,
        x -> assertThat(x.reason()).isEqualTo(Reason.TARGET_EXISTS));
    assertThat(instances.resolve("vm-8/disk")).hasContent("first");
    assertThat(names(instances.resolve("vm-8"))).containsExactly("disk");
  }

  @Test
  void remove_diskAndTemporaries_goneWithEmptyInstanceDirectory() throws Exception {
    DiskBuild b = file("vm-9");
    b.run(tmp -> Files.writeString(tmp, "x"));
    Files.writeString(instances.resolve("vm-9/.disk.import-dead"), "stale");

    b.remove();
    b.remove();

    assertThat(instances.resolve("vm-9")).doesNotExist();
  }

  @Test
  void of_nameNotPlain_usage() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> DiskBuild.of(ctx, "../etc", "disk", "import", Publication.file()));

    assertThat(e.reason()).isEqualTo(Reason.USAGE);
  }

  @Test
  void locked_whileARunOfTheSameDiskHoldsTheLock_waitsForIt() throws Exception {
    CountDownLatch building = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> run = pool.submit(() -> file("vm-l").run(tmp -> {
      building.countDown();
      awaitQuietly(release);
      return Files.createFile(tmp);
    }));
    assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();

    Future<String> locked = pool.submit(() -> file("vm-l").locked(() -> "ran"));

    Thread.sleep(300);
    assertThat(locked.isDone()).as("waits for the lock").isFalse();
    release.countDown();
    run.get(10, TimeUnit.SECONDS);
    assertThat(locked.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
    assertThat(file("vm-m").locked(() -> "alone")).isEqualTo("alone");
    assertThat(instances.resolve("vm-m")).as("makes nothing itself").doesNotExist();
  }

  @Test
  void locked_workThrowsIoException_ioError() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> file("vm-l").locked(() -> {
          throw new IOException("device gone");
        }));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(e.getMessage()).contains("device gone").contains("vm-l");
  }
}
