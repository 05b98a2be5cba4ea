package io.imgtrust.backend.rbd;

import io.imgtrust.core.spi.BackendContractTest;
import io.imgtrust.core.spi.PreparedDisk;
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
    return CephTestCluster.readDisk(pool, disk.target(), length, root);
  }

  @Override
  protected boolean anythingLeftFor(String instance) throws Exception {
    return CephTestCluster.anythingLeftFor(pool, instance);
  }
}
