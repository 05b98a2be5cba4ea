package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.cli.Output;
import io.imgtrust.host.ImgtrustHost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache base-list}: the shared bases of the configured backend and their clone counts. */
@Command(name = "base-list", mixinStandardHelpOptions = true,
    description = "List the verified bases of images_type = rbd (imgtrust-base_<cache name>, and bases set aside "
        + "as <base>~rejected-* or ~unverified-*) with how many clones each has.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:listed", " 2:the backend keeps no shared bases (BAD_CONFIG)", " 4:host failure"})
final class CacheBaseListCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Override
  public Integer call() throws Exception {
    ObjectNode o = Output.ok();
    ArrayNode bases = o.putArray("bases");
    List<String> text = new ArrayList<>();
    try (ImgtrustHost host = ImgtrustHost.open(cache.root.loadConfig())) {
      for (ImmutableMap<String, Object> b : host.sharedBases().listBases()) {
        bases.add(Output.mapper().valueToTree(b));
        text.add(b.get("name") + "  clones: " + b.get("clones"));
      }
    }
    if (text.isEmpty()) {
      text.add("no verified bases");
    }
    cache.root.output().success(o, text);
    return 0;
  }
}
