package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CheckResult;
import io.imgtrust.core.cache.EntryStatus;
import io.imgtrust.core.cache.ImageCache;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache verify [ID...]}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Recheck cache entries against their sealed records, chunk by chunk on all cores. A bad chunk "
        + "is named by offset; in mode = enforce the entry is quarantined, in warn it is only reported.",
        "Concurrent checks of one entry (threads or processes) share one pass: bytes_hashed is 0 for a caller that "
            + "reused another's result."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:every entry verified", " 3:an entry was refused (DIGEST_MISMATCH, RECORD_INVALID, "
        + "NOT_CACHED, ...)", " 4:host failure"},
    footer = {"%nWithout ids, every file in the cache directory is checked: each entry with a sealed record (one "
        + "whose file changed since it was sealed is hashed like the others and sealed again if its content is "
        + "intact), and each file without a valid record (planted, or its record removed or altered), which is "
        + "refused as RECORD_INVALID and quarantined in mode = enforce."})
final class CacheVerifyCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Image ids (default: every file in the cache).")
  List<String> ids = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ImageCache c = ImageCache.open(cache.root.loadConfig());
    List<Target> todo = ids.isEmpty() ? everyFile(c) : byId(ids);
    ObjectNode o = Output.ok();
    ArrayNode results = o.putArray("entries");
    List<String> text = new ArrayList<>();
    long total = 0;
    ImageTrustException worst = null;
    for (Target t : todo) {
      ObjectNode r = results.addObject().put("image_id", t.imageId);
      String id = t.label();
      if (t.file != null) {
        r.put("cache_file", t.file);
      }
      try {
        CheckResult res = t.file == null ? c.verify(t.imageId) : c.verifyFile(t.file);
        total += res.bytesHashed();
        r.put("ok", res.ok()).put("bytes_hashed", res.bytesHashed()).put("shared", res.shared());
        res.failure().ifPresent(f -> r.put("reason", f.reason().name()).put("message", f.getMessage()));
        text.add((res.ok() ? "OK   " : "WARN ") + id + "  " + res.bytesHashed() + " bytes hashed"
            + (res.shared() ? " (shared another check)" : "")
            + res.failure().map(f -> "  " + f.reason() + ": " + f.getMessage()).orElse(""));
      } catch (ImageTrustException e) {
        if (e.reason().kind() != Reason.Kind.REFUSED) {
          throw e;
        }
        worst = worst == null ? e : worst;
        r.put("ok", false).put("reason", e.reason().name()).put("message", e.getMessage());
        e.details().forEach((k, v) -> r.set(k, Output.mapper().valueToTree(v)));
        text.add("FAIL " + id + "  " + e.reason() + ": " + e.getMessage());
      }
    }
    o.put("ok", worst == null).put("bytes_hashed", total);
    if (worst != null) {
      o.put("reason", worst.reason().name()).put("message", worst.getMessage());
    }
    cache.root.output().success(o, text);
    return worst == null ? 0 : worst.reason().exitCode();
  }

  /** What to check: an image by id, or a file of the cache directory (with its image id when it has a record). */
  private static final class Target {
    final String imageId;
    final String file;

    Target(String imageId, String file) {
      this.imageId = imageId;
      this.file = file;
    }

    String label() {
      return imageId != null ? imageId : "(" + file + ")";
    }
  }

  private static List<Target> byId(List<String> ids) {
    List<Target> out = new ArrayList<>();
    ids.forEach(id -> out.add(new Target(id, null)));
    return out;
  }

  private static List<Target> everyFile(ImageCache c) throws ImageTrustException {
    List<Target> out = new ArrayList<>();
    for (EntryStatus s : c.list()) {
      if (s.checkable()) {
        boolean recorded = s.state() != EntryStatus.State.RECORD_INVALID && s.record().isPresent();
        out.add(new Target(recorded ? s.record().get().imageId() : null, s.name()));
      }
    }
    return out;
  }
}
