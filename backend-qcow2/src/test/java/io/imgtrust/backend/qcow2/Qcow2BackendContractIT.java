package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The core's backend contract against the qcow2 backend. An integration test: reading the disk back goes through
 * the real {@code qemu-img convert} (the overlay's guest view), which must be installed.
 */
class Qcow2BackendContractIT extends BackendContractTest {
  @Override
  protected String imagesType() {
    return "qcow2";
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws Exception {
    Path raw = Files.createTempFile(root, "guest-view", ".raw");
    Process p = new ProcessBuilder(List.of("qemu-img", "convert", "-f", "qcow2", "-O", "raw", disk.target(),
        raw.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("qemu-img convert: %s", out).isZero();
    try (InputStream in = Files.newInputStream(raw)) {
      return in.readNBytes(length);
    } finally {
      Files.delete(raw);
    }
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws Exception {
    Path dir = fixture.conf.path(Key.INSTANCES_PATH).resolve(instance);
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
