package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.cli.Output;
import io.imgtrust.host.ImgtrustHost;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache base-remove IMAGE_ID}: removes an image's shared bases, never while clones exist. */
@Command(name = "base-remove", mixinStandardHelpOptions = true,
    description = "Remove the verified base of IMAGE_ID (images_type = rbd): unprotect and remove its snapshot, "
        + "remove the image, and the same for bases of it set aside (~rejected-*, ~unverified-*), under the lock "
        + "spawns take on the base. Refused, nothing removed, while any of them has clones.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:removed", " 2:no base of that image (IMAGE_NOT_FOUND), or the backend keeps none "
        + "(BAD_CONFIG)", " 3:clones exist (BASE_IN_USE; the message names how many)",
        " 4:host failure (CEPH_ERROR, LOCK_TIMEOUT)"})
final class CacheBaseRemoveCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Parameters(index = "0", paramLabel = "IMAGE_ID", description = "the Glance image id")
  String imageId;

  @Override
  public Integer call() throws Exception {
    ImmutableMap<String, Object> removed;
    try (ImgtrustHost host = ImgtrustHost.open(cache.root.loadConfig())) {
      removed = host.sharedBases().removeBases(imageId);
    }
    ObjectNode o = Output.ok();
    o.setAll((ObjectNode) Output.mapper().valueToTree(removed));
    cache.root.output().success(o, List.of("removed " + removed.get("removed")));
    return 0;
  }
}
