package io.imgtrust.cli.command;

import io.imgtrust.cli.Progress;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.glance.GlanceClients;
import io.imgtrust.glance.GlanceFetch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache fetch IMAGE_ID}: the driver's download from Glance, verified as it arrives. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {"Fill the cache from Glance ([glance] api_servers): GET /v2/images/IMAGE_ID for the metadata, "
        + "then stream GET /v2/images/IMAGE_ID/file through the verified fill (every digest and the signature as "
        + "the bytes arrive, Content-Length and Content-Md5 too), inspect, convert and seal exactly as cache add. "
        + "A dropped connection resumes (Range) or restarts; a download that stalls for read_timeout fails. "
        + "Prints the entry.",
        "A valid cached entry is kept and nothing is downloaded; concurrent fetches of one image download it once."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:cached", " 2:usage, bad [glance] config, IMAGE_NOT_FOUND, malformed metadata",
        " 3:refused (IMAGE_NOT_ACTIVE, digest, signature, certificate, FORMAT_MISMATCH, UNSAFE_IMAGE)",
        " 4:host failure (GLANCE_ERROR: unreachable, error status, stalled download; I/O, qemu-img)"})
final class CacheFetchCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;

  @Parameters(index = "0", paramLabel = "IMAGE_ID", description = "The Glance image id.")
  String imageId;

  @Override
  public Integer call() throws Exception {
    ImgtrustConfig config = cache.root.loadConfig();
    ImageCache c = ImageCache.open(config);
    CacheEntry e = GlanceFetch.fetch(GlanceClients.fromConfig(config), c, imageId,
        Progress.forTerminal("fetch " + imageId, cache.root.json()));
    CacheAddCommand.print(cache, e);
    return 0;
  }
}
