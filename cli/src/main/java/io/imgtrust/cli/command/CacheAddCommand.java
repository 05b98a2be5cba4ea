package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Progress;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.ledger.LedgerRecord;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.ImageMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache add FILE --meta IMAGE.json}: the stand-in for the driver's download. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = {"Fill the cache with FILE (the download): copy it under a temporary name while verifying it "
        + "against the Glance metadata (one read), check its real format against disk_format (a qcow2 with a "
        + "backing file, a data file or unknown features is refused), convert it to raw when force_raw_images = "
        + "true, seal its record, and rename it into place. Prints the entry.",
        "An entry that is already cached and valid is left as it is; one without a valid record is quarantined "
            + "and refilled."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:cached", " 2:usage, malformed metadata, unreadable file",
        " 3:refused (digest, signature, certificate, FORMAT_MISMATCH, UNSAFE_IMAGE)", " 4:host failure (I/O, space,"
            + " qemu-img)"})
final class CacheAddCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Parameters(index = "0", paramLabel = "FILE", description = "The downloaded image file.")
  Path file;

  @Option(names = "--meta", required = true, paramLabel = "IMAGE.json", description = "Glance image JSON.")
  Path meta;

  @Override
  public Integer call() throws Exception {
    ImageMetadata m = GlanceMetadata.read(meta);
    ImageCache c = ImageCache.open(cache.root.loadConfig());
    CacheEntry e = c.add(file, m, Progress.forTerminal("fill " + m.id(), cache.root.json()));
    print(cache, e);
    return 0;
  }

  /** Prints a filled (or already cached) entry, as {@code cache add} and {@code cache fetch} report it. */
  static void print(CacheCommand cache, CacheEntry e) {
    ObjectNode o = Output.ok();
    o.set("entry", CacheJson.entry(e.record(), e.file()));
    List<String> text = new ArrayList<>();
    text.add("cached image " + e.imageId() + " as " + e.file());
    LedgerRecord r = e.record();
    text.add("  " + r.size() + " bytes, " + r.chunks().size() + " chunks, content " + r.contentDigest());
    r.conversion().ifPresent(cv -> text.add("  converted from " + cv.fromFormat() + " (" + cv.sourceSize()
        + " bytes, source content " + cv.sourceContentDigest() + ")"));
    if (r.fill().containsKey("digest_field")) {
      text.add("  verified " + r.fill().get("digest_algorithm") + " against " + r.fill().get("digest_field"));
    }
    if (r.fill().containsKey("signer_subject")) {
      text.add("  signature by " + r.fill().get("signer_subject") + " via " + r.fill().get("trust_anchor_subject"));
    }
    cache.root.output().success(o, text);
  }
}
