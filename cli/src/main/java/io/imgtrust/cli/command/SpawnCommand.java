package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Progress;
import io.imgtrust.cli.Root;
import io.imgtrust.cli.Sizes;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.host.DomainSpec;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import io.imgtrust.host.Spawned;
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
        + "--meta, or on a miss from Glance when [glance] api_servers is set, as cache fetch; without "
        + "either), select the backend (images_type, or --images-type), and prepare the instance's disk: import "
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
    Spawn spawn = Spawn.of(instance, image).withProgress(Progress.forTerminal("fill " + image, root.json()),
        Progress.forTerminal("import " + instance, root.json()));
    if (size != null) {
      spawn = spawn.withSize(Sizes.parse(size));
    }
    if (imagesType != null) {
      spawn = spawn.withImagesType(imagesType);
    }
    if (file != null) {
      spawn = spawn.withDownload(file, GlanceMetadata.read(meta));
    }
    try (ImgtrustHost host = ImgtrustHost.open(root.loadConfig())) {
      Spawned s = boot ? host.boot(spawn, DomainSpec.of(instance, 256, 1)) : host.prepare(spawn);
      root.output().success(json(s), text(s));
    }
    return 0;
  }

  private ObjectNode json(Spawned s) {
    ObjectNode o = Output.ok().put("instance", instance).put("image_id", image).put("backend", s.backend());
    o.putObject("disk").put("target", s.disk().target()).put("xml", s.disk().diskXml());
    o.set("verification", Output.mapper().valueToTree(s.disk().report()));
    ObjectNode timings = o.putObject("timings");
    s.timingsMs().forEach(timings::put);
    s.domain().ifPresent(d -> o.putObject("domain").put("name", d.name()).put("uri", d.uri()).put("type", d.type())
        .put("state", d.state()).put("define_ms", d.defineMs()).put("before_boot_ms", d.beforeBootMs())
        .put("start_ms", d.startMs()));
    return o;
  }

  private List<String> text(Spawned s) {
    List<String> text = new ArrayList<>();
    text.add("prepared " + s.disk().target() + " for instance " + instance + " (" + s.backend() + ")");
    s.disk().report().forEach((k, v) -> text.add("  " + k + ": " + v));
    text.add("  " + s.disk().diskXml());
    s.domain().ifPresent(d -> text.add("domain " + d.name() + " " + d.state() + " (" + d.type() + ", started in "
        + d.startMs() + " ms)"));
    return text;
  }
}
