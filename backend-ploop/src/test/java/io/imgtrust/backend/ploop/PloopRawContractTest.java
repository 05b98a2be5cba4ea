package io.imgtrust.backend.ploop;

import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The backend contract with {@code [ploop] format = raw}: {@code root.hds} holds the bytes as they are. */
class PloopRawContractTest extends BackendContractTest {
  @Override
  protected String imagesType() {
    return "ploop";
  }

  @Override
  protected String extraConfig() {
    return "[ploop]\nformat = raw";
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(disk.target()))) {
      return in.readNBytes(length);
    }
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws IOException {
    return PloopExpandedContractTest.anythingIn(fixture.conf.path(Key.INSTANCES_PATH).resolve(instance));
  }
}
