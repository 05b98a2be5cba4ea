package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.glance.GlanceClient;
import io.imgtrust.glance.GlanceClients;
import io.imgtrust.glance.GlanceFetch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench fetch}: the verified fetch from Glance against the downloads an operator would make. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {"Upload a random image to a Glance (--glance, no auth; scripts/glance-up.sh runs one), then time "
        + "`imgtrust cache fetch` (whole command, and inside this JVM as a driver calls it: metadata, download "
        + "verified as it arrives, qemu-img's second opinion, seal, fsync) against python-glanceclient's "
        + "images.data() written to a file (what `glance image-download --file` runs; it checks the multihash "
        + "while downloading) and `curl -o` (no check). Every "
        + "step starts after a `sync` with its previous result removed. The image is deleted from Glance afterwards.",
        "Needs python3-glanceclient and curl. Uses about 3x SIZE of disk in a temporary directory."})
final class BenchFetchCommand extends BenchPart {
  @picocli.CommandLine.Mixin GlanceOption service = new GlanceOption();

  @Override
  void requireServices() throws ImageTrustException {
    service.require();
  }

  @Override
  List<Goal> goals() {
    return List.of(Goal.ratio(WHOLE, GLANCE_CLI, 0.8), Goal.ratio(WHOLE, CURL, 1.1), Goal.ratio(IN_JVM, CURL, 1.1));
  }

  @Override
  BenchReport measure(Path d) throws Exception {
    URI glance = service.glance;
    Path image = d.resolve("image.raw");
    BenchVerifyCommand.writeRandom(image, opts.sizeBytes());
    String id = upload(glance, image);
    Files.delete(image);
    try {
      Path config = BenchOptions.config(d, "imgtrust.conf", service.configSection());
      Timings t = steps(d, config, id);
      t.run(opts.runs);
      return new BenchReport("bench fetch: a " + opts.sizeMib + " MiB image from " + glance + ", medians of "
          + opts.runs + " side-by-side rounds", t, opts.header("fetch")).goals(goals());
    } finally {
      delete(glance, id);
    }
  }

  private static final String WHOLE = "imgtrust cache fetch (whole command)";
  private static final String IN_JVM = "cache fetch, in JVM";
  private static final String GLANCE_CLI = "python-glanceclient images.data() to a file";
  /**
   * What {@code glance image-download --file} runs (glanceclient's v2 {@code images.data}, which checks the multihash
   * as it reads, written in chunks to a file). The {@code glance} command itself fails on this Debian 12 before it
   * sends a request ("argument --stores: conflicting option string").
   */
  private static final String GLANCECLIENT = String.join("\n", "import sys",
      "from glanceclient import Client",
      "c = Client('2', endpoint=sys.argv[1], token='bench')",
      "with open(sys.argv[3], 'wb') as f:",
      "    for chunk in c.images.data(sys.argv[2]):",
      "        f.write(chunk)");
  private static final String CURL = "curl -o";

  private Timings steps(Path d, Path config, String id) throws Exception {
    Path instances = d.resolve("instances");
    Path out = d.resolve("download");
    Timings.Step clean = () -> {
      if (Files.exists(instances)) {
        MoreFiles.deleteRecursively(instances, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      Files.deleteIfExists(out);
      Timings.exec(List.of("sync"));
    };
    List<String> fetch = new ArrayList<>(BenchVerifyCommand.launcher());
    fetch.addAll(List.of("--config", config.toString(), "cache", "fetch", id));
    GlanceClient client = GlanceClients.fromConfig(ConfigLoader.load(config));
    Timings t = new Timings();
    t.add(WHOLE, Timings.commands(clean, List.of(fetch)));
    t.add(IN_JVM, new Timings.Step() {
      @Override
      public void before() throws Exception {
        clean.run();
      }

      @Override
      public void run() throws Exception {
        GlanceFetch.fetch(client, ImageCache.open(ConfigLoader.load(config)), id, CopyProgress.NONE);
      }
    });
    t.add(GLANCE_CLI, Timings.commands(clean, List.of(List.of("/usr/bin/python3", "-c", GLANCECLIENT,
        service.glance.toString(), id, out.toString()))));
    t.add(CURL, Timings.commands(clean, List.of(List.of("curl", "-sf", "-o", out.toString(),
        service.glance + "/v2/images/" + id + "/file"))));
    return t;
  }

  /** Creates a raw image in the Glance at {@code glance} (no auth) and uploads {@code file}; returns its id. */
  static String upload(URI glance, Path file) throws Exception {
    HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(glance + "/v2/images"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"name\":\"imgtrust-bench\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")));
    String id = new ObjectMapper().readTree(created.body()).path("id").asText();
    HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(glance + "/v2/images/" + id + "/file"))
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofFile(file)));
    if (created.statusCode() != 201 || put.statusCode() != 204) {
      throw new IllegalStateException("upload to " + glance + " failed: HTTP " + created.statusCode() + ", "
          + put.statusCode());
    }
    return id;
  }

  /** Deletes image {@code id} from the Glance at {@code glance}. */
  static void delete(URI glance, String id) throws Exception {
    send(HttpRequest.newBuilder(URI.create(glance + "/v2/images/" + id)).DELETE());
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
