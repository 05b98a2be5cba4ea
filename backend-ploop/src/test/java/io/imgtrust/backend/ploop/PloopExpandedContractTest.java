package io.imgtrust.backend.ploop;

import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The backend contract with {@code [ploop] format = expanded}: the disk is read back through its BAT. */
class PloopExpandedContractTest extends BackendContractTest {
  @Override
  protected String imagesType() {
    return "ploop";
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws IOException {
    return ParallelsTestReader.read(Path.of(disk.target()), length);
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws IOException {
    return anythingIn(fixture.conf.path(Key.INSTANCES_PATH).resolve(instance));
  }

  static boolean anythingIn(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
