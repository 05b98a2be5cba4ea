package io.imgtrust.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust spawn}: the driver's spawn path, from the command line. */
@Command(name = "spawn", mixinStandardHelpOptions = true,
    description = {"The driver's spawn path: take the image's cache entry (or fill it first with --file and "
        + "--meta), select the backend (images_type, or --images-type), and prepare the instance's disk: import "
        + "backends verify every chunk against the sealed record while they copy. Prints the libvirt <disk> element "
        + "and the verification report.",
        "On failure nothing is left: no disk, no temporary; a verification failure quarantines the entry."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:disk prepared", " 2:usage, FLAVOR_TOO_SMALL, malformed metadata, BAD_CONFIG (unknown "
        + "images_type)", " 3:refused (DIGEST_MISMATCH, RECORD_INVALID, NOT_CACHED, ...)",
        " 4:host failure (I/O, no space, TARGET_EXISTS)"})
final class SpawnCommand implements Callable<Integer> {
  @ParentCommand Root root;

  @Option(names = "--instance", required = true, paramLabel = "NAME", description = "Instance name (plain).")
  String instance;

  @Option(names = "--image", required = true, paramLabel = "ID", description = "Glance image id.")
  String image;

  @Option(names = "--size", paramLabel = "SIZE",
      description = "Disk size: GiB, or with a unit (512M, 20G). Default: the image's size.")
  String size;

  @Option(names = "--images-type", paramLabel = "TYPE",
      description = "Backend instead of [libvirt] images_type: qcow2, flat (raw), ploop, lvm, rbd.")
  String imagesType;

  @Option(names = "--boot", description = "Define a small domain (256 MiB, 1 vCPU, serial console) named after the "
      + "instance around the disk, run the before-boot check, and start it through libvirt ([libvirt] "
      + "connection_uri). On failure the domain is undefined and the disk removed.")
  boolean boot;

  @Option(names = "--file", paramLabel = "FILE", description = "Fill the cache from this download first.")
  Path file;

  @Option(names = "--meta", paramLabel = "IMAGE.json", description = "Glance metadata for --file.")
  Path meta;

  @Override
  public Integer call() throws Exception {
    if ((file == null) != (meta == null)) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--file and --meta go together");
    }
    SpawnRequest.requirePlainNames(instance, "disk");
    ImgtrustConfig config = root.loadConfig();
    ObjectNode timings = Output.object();
    long t0 = System.nanoTime();
    ImageCache cache = ImageCache.open(config);
    ImageBackend backend = Backends.fromConfig(BackendContext.of(config, cache), imagesType);
    CacheEntry entry = file != null ? cache.add(file, GlanceMetadata.read(meta),
        Progress.forTerminal("fill " + image, root.json)) : cache.sealedEntry(image);
    if (!entry.imageId().equals(image)) {
      throw io.imgtrust.core.ImageTrustException.of(io.imgtrust.core.Reason.USAGE,
          "--image " + image + " but --meta describes image " + entry.imageId());
    }
    long t1 = System.nanoTime();
    timings.put("cache_ms", (t1 - t0) / 1_000_000);
    SpawnRequest req = SpawnRequest.of(instance, entry)
        .withProgress(Progress.forTerminal("import " + instance, root.json));
    if (size != null) {
      req = req.withSize(Sizes.parse(size));
    }
    PreparedDisk disk = backend.prepare(req);
    timings.put("prepare_ms", (System.nanoTime() - t1) / 1_000_000);
    ObjectNode domain = null;
    if (boot) {
      try {
        domain = LibvirtBoot.boot(config.string(io.imgtrust.core.config.Key.CONNECTION_URI), instance, disk, backend);
      } catch (io.imgtrust.core.ImageTrustException | RuntimeException e) {
        backend.remove(instance, "disk");
        throw e;
      }
    }
    ObjectNode o = Output.ok().put("instance", instance).put("image_id", image)
        .put("backend", backend.describe());
    o.putObject("disk").put("target", disk.target()).put("xml", disk.diskXml());
    o.set("verification", Output.mapper().valueToTree(disk.report()));
    o.set("timings", timings);
    if (domain != null) {
      o.set("domain", domain);
    }
    List<String> text = new ArrayList<>();
    text.add("prepared " + disk.target() + " for instance " + instance + " (" + backend.describe() + ")");
    disk.report().forEach((k, v) -> text.add("  " + k + ": " + v));
    text.add("  " + disk.diskXml());
    if (domain != null) {
      text.add("domain " + instance + " " + domain.get("state").asText() + " (" + domain.get("type").asText()
          + ", started in " + domain.get("start_ms").asText() + " ms)");
    }
    root.output().success(o, text);
    return 0;
  }
}
