package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.core.ledger.LedgerRecord;
import java.nio.file.Path;

/** JSON views of cache records for the cache commands. */
final class CacheJson {
  private CacheJson() {}

  static ObjectNode entry(LedgerRecord r, Path file) {
    ObjectNode o = Output.object().put("image_id", r.imageId()).put("cache_file", file.toString())
        .put("size", r.size()).put("chunks", r.chunks().size()).put("content_digest", r.contentDigest().toString())
        .put("disk_format", r.diskFormat()).put("state", r.state().name())
        .put("filled_at", r.filledAt().toString()).put("verified_at", r.verifiedAt().toString());
    r.stateReason().ifPresent(s -> o.put("state_reason", s));
    ObjectNode fill = o.putObject("verified_at_fill");
    r.fill().forEach((k, v) -> {
      if (!k.equals("signature")) {
        fill.put(k, v);
      }
    });
    r.conversion().ifPresent(c -> o.putObject("conversion").put("from_format", c.fromFormat())
        .put("source_size", c.sourceSize()).put("source_content_digest", c.sourceContentDigest().toString()));
    return o;
  }
}
