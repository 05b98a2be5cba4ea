package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.core.cache.EntryStatus;
import io.imgtrust.core.cache.ImageCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List cache entries and every other file in the cache directory, and their state, without "
        + "hashing them: VERIFIED (sealed record, file unchanged), CHANGED (sealed record, but the file changed "
        + "since: its next use hashes it), QUARANTINED, MISSING (record without file), RECORD_INVALID (no record "
        + "with a valid seal). IMMUTABLE tells whether the file has the immutable flag (chattr +i).")
final class CacheListCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Override
  public Integer call() throws Exception {
    ImageCache c = ImageCache.open(cache.root.loadConfig());
    ObjectNode o = Output.ok().put("cache_dir", c.directory().toString());
    ArrayNode entries = o.putArray("entries");
    List<String> text = new ArrayList<>();
    text.add(String.format(Locale.ROOT, "%-40s %-14s %-9s %14s  %s", "IMAGE", "STATE", "IMMUTABLE", "BYTES",
        "VERIFIED AT"));
    for (EntryStatus s : c.list()) {
      ObjectNode e = s.record().map(r -> CacheJson.entry(r, c.directory().resolve(s.name())))
          .orElse(Output.object().put("cache_file", c.directory().resolve(s.name()).toString()));
      e.put("status", s.state().name());
      Optional<Boolean> immutable = s.checkable() ? c.immutable(s.name()) : Optional.empty();
      if (immutable.isPresent()) {
        e.put("immutable", immutable.get());
      } else {
        e.putNull("immutable");
      }
      entries.add(e);
      text.add(String.format(Locale.ROOT, "%-40s %-14s %-9s %14s  %s",
          s.record().map(r -> r.imageId()).orElse("(" + s.name() + ")"), s.state(),
          immutable.map(i -> i ? "yes" : "no").orElse("-"),
          s.record().map(r -> String.valueOf(r.size())).orElse("-"),
          s.record().map(r -> r.verifiedAt().toString()).orElse("-")));
    }
    cache.root.output().success(o, text);
    return 0;
  }
}
