package io.imgtrust.backend.rbd;

import java.util.Objects;

/**
 * Which snapshot a verified base's seal is about, by what never changes under a rename: the cluster's fsid, the pool
 * id, the RBD image id and the snapshot id (snapshot ids are never reused in a pool). Compared with the snapshot a
 * seal is found on, and with the parent of every clone made of it. Immutable value.
 */
final class BaseRef {
  final String fsid;
  final long poolId;
  final String imageId;
  final long snapId;

  BaseRef(String fsid, long poolId, String imageId, long snapId) {
    this.fsid = fsid;
    this.poolId = poolId;
    this.imageId = imageId;
    this.snapId = snapId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BaseRef && ((BaseRef) o).fsid.equals(fsid) && ((BaseRef) o).poolId == poolId
        && ((BaseRef) o).imageId.equals(imageId) && ((BaseRef) o).snapId == snapId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(fsid, poolId, imageId, snapId);
  }

  /** E.g. {@code cluster 1f..., pool 3, image 10a2b3c4d5e6, snapshot 4}, for messages. */
  @Override
  public String toString() {
    return "cluster " + fsid + ", pool " + poolId + ", image " + imageId + ", snapshot " + snapId;
  }
}
