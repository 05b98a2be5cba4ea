package io.imgtrust.backend.rbd;

import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract in import mode, against the real cluster (its own pool). */
class RbdContractIT extends BackendContractTest {
  private static String pool;

  @BeforeAll
  static void makePool() throws Exception {
    pool = CephTestCluster.newPool("contract");
  }

  @AfterAll
  static void dropPool() throws Exception {
    CephTestCluster.deletePool(pool);
  }

  @Override
  protected String imagesType() {
    return "rbd";
  }

  @Override
  protected String extraConfig() {
    return CephTestCluster.config(pool);
  }

  @Override
  protected byte[] readDisk(PreparedDisk disk, int length) throws Exception {
    String image = disk.target().substring(pool.length() + 1);
    return Arrays.copyOf(Files.readAllBytes(CephTestCluster.export(pool, image, root)), length);
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws Exception {
    return CephTestCluster.ls(pool).stream().anyMatch(i -> i.startsWith(instance + "_"));
  }
}
