package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.core.cache.ImageCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache quarantine}. */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
    description = "List quarantined cache files (in _base/.quarantine/) with the reason each was moved there. "
        + "Nothing is deleted; inspect or remove them by hand.")
final class CacheQuarantineCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Override
  public Integer call() throws Exception {
    ImageCache c = ImageCache.open(cache.root.loadConfig());
    ObjectNode o = Output.ok();
    ArrayNode items = o.putArray("quarantined");
    List<String> text = new ArrayList<>();
    for (Path reasonFile : c.quarantined()) {
      JsonNode r = Output.mapper().readTree(Files.readAllBytes(reasonFile));
      String file = reasonFile.toString().replaceFirst("\\.json$", "");
      ObjectNode item = ((ObjectNode) r).put("file", file);
      items.add(item);
      text.add(file + "  image " + r.path("image_id").asText() + "  " + r.path("reason").asText() + ": "
          + r.path("message").asText() + "  (" + r.path("quarantined_at").asText() + ")");
    }
    if (text.isEmpty()) {
      text.add("nothing is quarantined in " + c.directory());
    }
    cache.root.output().success(o, text);
    return 0;
  }
}
