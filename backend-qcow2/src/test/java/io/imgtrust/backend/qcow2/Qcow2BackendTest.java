package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The qcow2 backend on a faked command runner: what it asks qemu-img to do, and what a failure leaves. */
class Qcow2BackendTest {
  @TempDir Path root;
  private CacheFixture fx;
  private CacheEntry entry;
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "");
    entry = fx.add("img", CacheFixture.randomImage(1 << 20, 3));
  }

  /** Records argv; creates the overlay file (the argument before the size) as qemu-img would. */
  private CommandRunner creating() {
    return (argv, timeout) -> {
      calls.add(argv);
      writeOverlay(argv, new byte[] {'Q', 'F', 'I', (byte) 0xfb});
      return CommandResult.exited(argv, 0, new byte[0], false, "");
    };
  }

  private static void writeOverlay(List<String> argv, byte[] bytes) throws ImageTrustException {
    try {
      Files.write(Path.of(argv.get(argv.size() - 2)), bytes);
    } catch (java.io.IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "fake qemu-img: " + e, e);
    }
  }

  private ImageBackend backend(CommandRunner runner) throws ImageTrustException {
    return Backends.create(BackendContext.of(fx.conf, fx.cache).withRunner(runner), "qcow2");
  }

  @Test
  void prepare_fakeQemuImg_runsCreatePinningBaseFormatAndPublishes() throws Exception {
    PreparedDisk disk = backend(creating()).prepare(SpawnRequest.of("vm-1", entry).withSize(2L << 20));

    assertThat(calls).hasSize(1);
    List<String> argv = calls.get(0);
    assertThat(argv.subList(0, 9)).containsExactly("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b",
        entry.file().toString(), "-F");
    assertThat(argv.get(9)).isEqualTo("raw");
    assertThat(argv.get(11)).isEqualTo(Long.toString(2L << 20));
    Path target = instance("vm-1").resolve("disk");
    assertThat(disk.target()).isEqualTo(target.toString());
    assertThat(Files.readAllBytes(target)).startsWith('Q', 'F', 'I');
    assertThat(Path.of(argv.get(10)).getParent()).isEqualTo(target.getParent());
    assertThat(Path.of(argv.get(10))).doesNotExist();
  }

  @Test
  void prepare_qemuImgFails_ioErrorAndNothingLeft() throws Exception {
    CommandRunner failing = (argv, timeout) -> {
      calls.add(argv);
      writeOverlay(argv, new byte[] {1});
      return CommandResult.exited(argv, 1, new byte[0], false, "qemu-img: disk full");
    };

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> backend(failing).prepare(SpawnRequest.of("vm-2", entry)));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(e.getMessage()).contains("qemu-img create").contains("disk full");
    assertThat(calls).hasSize(1);
    assertThat(instance("vm-2")).doesNotExist();
  }

  @Test
  void prepare_diskExists_targetExistsAndRunsNothing() throws Exception {
    Files.createDirectories(instance("vm-3"));
    Files.writeString(instance("vm-3").resolve("disk"), "mine");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> backend(creating()).prepare(SpawnRequest.of("vm-3", entry)));

    assertThat(e.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(calls).isEmpty();
    assertThat(Files.readString(instance("vm-3").resolve("disk"))).isEqualTo("mine");
  }

  @Test
  void prepare_staleTemporaryOfSameDisk_removed() throws Exception {
    Path dir = Files.createDirectories(instance("vm-4"));
    Path stale = Files.writeString(dir.resolve(".disk.overlay-killed"), "left by a killed prepare");

    backend(creating()).prepare(SpawnRequest.of("vm-4", entry));

    assertThat(stale).doesNotExist();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("disk");
    }
  }

  @Test
  void options_declaresAllowedBackingDirs() {
    assertThat(new Qcow2BackendProvider().options()).extracting(o -> o.qualifiedName())
        .containsExactly("[qcow2] allowed_backing_dirs");
  }

  private Path instance(String name) {
    return fx.conf.path(Key.INSTANCES_PATH).resolve(name);
  }
}
