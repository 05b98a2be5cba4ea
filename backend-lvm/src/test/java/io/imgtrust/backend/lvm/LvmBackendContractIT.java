package io.imgtrust.backend.lvm;

import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The core's backend contract, against the lvm backend on real lvm2 (a loop-device PV, activation emulated). */
class LvmBackendContractIT extends BackendContractTest {
  @TempDir static Path vgDir;
  private static LoopVg vg;

  @BeforeAll
  static void makeGroup() throws IOException {
    vg = LoopVg.create(vgDir, 256);
  }

  @AfterAll
  static void removeGroup() throws IOException {
    vg.close();
  }

  @Override
  protected String imagesType() {
    return "lvm";
  }

  @Override
  protected String extraConfig() {
    return vg.config("");
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(disk.target()))) {
      return in.readNBytes(length);
    }
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws IOException {
    return vg.lvNames().stream().anyMatch(n -> n.startsWith(instance + "_"));
  }
}
