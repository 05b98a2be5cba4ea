package io.imgtrust.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Runs the backend contract against the test-only copy backend, so the contract test itself is exercised. */
class TestCopyBackendContractTest extends BackendContractTest {
  @Override
  protected String imagesType() {
    return "test-copy";
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(disk.target()))) {
      return in.readNBytes(length);
    }
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws IOException {
    Path dir = fixture.conf.path(io.imgtrust.core.config.Key.INSTANCES_PATH).resolve(instance);
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
