package io.imgtrust.backend.rbd;

import io.imgtrust.core.spi.PreparedDisk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The backend contract in clone mode, against the real cluster. Each test gets its own pool, so each starts with no
 * verified base: the first spawn of an image on a cluster is the one that reads the cache.
 */
class RbdCloneContractIT extends io.imgtrust.core.spi.BackendContractTest {
  private static final List<String> POOLS = new ArrayList<>();
  private String pool;
  private Path key;

  @AfterAll
  static void dropPools() throws Exception {
    for (String p : POOLS) {
      CephTestCluster.deletePool(p);
    }
  }

  @Override
  protected String imagesType() {
    return "rbd";
  }

  @Override
  protected String extraConfig() {
    try {
      if (pool == null) {
        pool = CephTestCluster.newPool("clone-contract");
        POOLS.add(pool);
        key = CephTestCluster.clusterKey(root.resolve("cluster.key"));
      }
      return CephTestCluster.cloneConfig(pool, key);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
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
