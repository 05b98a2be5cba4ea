package io.imgtrust.backend.flat;

import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The core's backend contract, against the flat backend. */
class FlatBackendContractTest extends BackendContractTest {
  @Override
  protected String imagesType() {
    return "flat";
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(disk.target()))) {
      return in.readNBytes(length);
    }
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws IOException {
    Path dir = fixture.conf.path(Key.INSTANCES_PATH).resolve(instance);
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
